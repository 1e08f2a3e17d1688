# Helpers of build.ps1's spec-evolution targets (spec-diff, api-diff, api-baseline), dot-sourced by build.ps1:
# they use its $Root, $Artifacts, $Configuration, $Base and Invoke-Native / Invoke-Target.
# The rule they enforce is written at the top of CHANGELOG.md.

$SpecFile = 'openapi/images.yaml'
$ApiShippedFile = 'src/ImageService.Client/PublicAPI.Shipped.txt'
$ApiUnshippedFile = 'src/ImageService.Client/PublicAPI.Unshipped.txt'

#region git, versions, changelog

function Invoke-Git {
    param([Parameter(Mandatory)] [string[]] $Arguments, [switch] $AllowFailure)
    $output = & git -C $Root @Arguments 2>$null
    if ($LASTEXITCODE -ne 0) {
        if ($AllowFailure) { return $null }
        throw "'git $($Arguments -join ' ')' failed with exit code $LASTEXITCODE."
    }
    return $output
}

function Get-ShortRef([string] $Ref) { return (Invoke-Git @('rev-parse', '--short', $Ref) -AllowFailure) ?? $Ref }

# The ref a gate compares the working tree with, and why; Ref is $null when there is nothing to compare with.
function Resolve-BaseRef([string[]] $Paths) {
    $what = $Paths -join ', '
    if ($Base) {
        if (-not (Invoke-Git @('rev-parse', '--verify', '--quiet', "$Base^{commit}") -AllowFailure)) {
            throw "-Base '$Base' is not a commit in this repository."
        }
        return [pscustomobject]@{ Ref = $Base; Reason = "-Base $Base"; IsRelease = $Base -like 'v*' }
    }
    # No 'v*' pattern for git: pwsh globs splatted native arguments against the current folder (version.props...).
    $tag = Invoke-Git @('tag', '--list', '--sort=-v:refname') -AllowFailure | Where-Object { $_ -match '^v\d' } | Select-Object -First 1
    if ($tag) { return [pscustomobject]@{ Ref = $tag; Reason = "the newest release tag, $tag"; IsRelease = $true } }
    $head = Invoke-Git @('rev-parse', '--verify', '--quiet', 'HEAD^{commit}') -AllowFailure
    if (-not $head) { return [pscustomobject]@{ Ref = $null; Reason = 'the repository has no commit yet'; IsRelease = $false } }
    if (Invoke-Git @('rev-parse', '--verify', '--quiet', 'origin/main^{commit}') -AllowFailure) {
        $mergeBase = Invoke-Git @('merge-base', 'origin/main', 'HEAD') -AllowFailure
        if ($mergeBase -and $mergeBase -ne $head) {
            return [pscustomobject]@{ Ref = $mergeBase; Reason = "origin/main (merge base $(Get-ShortRef $mergeBase))"; IsRelease = $false }
        }
    }
    & git -C $Root diff --quiet HEAD -- @Paths 2>$null
    if ($LASTEXITCODE -eq 1) {
        return [pscustomobject]@{ Ref = 'HEAD'; Reason = "HEAD ($what has uncommitted changes)"; IsRelease = $false }
    }
    $last = Invoke-Git (@('log', '-1', '--format=%H', 'HEAD', '--') + $Paths) -AllowFailure
    if (-not $last) { return [pscustomobject]@{ Ref = $null; Reason = "no commit changed $what"; IsRelease = $false } }
    $parent = Invoke-Git @('rev-parse', '--verify', '--quiet', "$last^") -AllowFailure
    if (-not $parent) {
        return [pscustomobject]@{ Ref = $null; Reason = "the only commit that changed $what is the first one ($(Get-ShortRef $last))"; IsRelease = $false }
    }
    return [pscustomobject]@{ Ref = $parent; Reason = "$(Get-ShortRef $parent), the parent of $(Get-ShortRef $last), the last commit that changed $what"; IsRelease = $false }
}

# The text of a file at a ref, or $null when the file does not exist there.
function Get-FileAtRef([string] $Ref, [string] $Path) {
    & git -C $Root cat-file -e "${Ref}:$Path" 2>$null
    if ($LASTEXITCODE -ne 0) { return $null }
    return (Invoke-Git @('show', "${Ref}:$Path")) -join "`n"
}

function Get-VersionFromProps([string] $Text) {
    if ($Text -and $Text -match '<VersionPrefix>\s*(?<v>\d+\.\d+\.\d+)\s*</VersionPrefix>') { return [version] $Matches.v }
    return $null
}

function Get-CurrentVersion {
    $version = Get-VersionFromProps (Get-Content (Join-Path $Root 'version.props') -Raw)
    if (-not $version) { throw 'version.props has no <VersionPrefix>MAJOR.MINOR.PATCH</VersionPrefix>.' }
    return $version
}

function Test-ChangelogEntry([version] $Version) {
    $changelog = Join-Path $Root 'CHANGELOG.md'
    if (-not (Test-Path $changelog)) { return $false }
    $pattern = '^##\s+\[?' + [regex]::Escape($Version.ToString()) + '\]?(\s|$)'
    return [bool] (Get-Content $changelog | Where-Object { $_ -match $pattern } | Select-Object -First 1)
}

# The versioning rule of CHANGELOG.md: breaking -> MAJOR, additive -> MINOR, fix -> PATCH. Returns the failures.
function Test-VersionRule {
    param([string] $Gate, [int] $Breaking, [int] $Additive, [object] $BaseInfo, [version] $Current)
    $failures = [System.Collections.Generic.List[string]]::new()
    $baseVersion = if ($BaseInfo.Ref) { Get-VersionFromProps (Get-FileAtRef $BaseInfo.Ref 'version.props') } else { $null }
    Write-Host "    version.props: $Current (base: $(if ($baseVersion) { $baseVersion } else { 'none' }))"
    if ($baseVersion -and $Current -lt $baseVersion) {
        $failures.Add("version.props went backwards: $baseVersion at the base, $Current now.")
    }
    if ($Breaking -gt 0) {
        if (-not $baseVersion) {
            Write-Host "    WARNING: no version.props at the base: cannot check the MAJOR bump these breaking changes need." -ForegroundColor Yellow
        }
        elseif ($Current.Major -gt $baseVersion.Major) {
            Write-Host "    MAJOR bumped ($baseVersion -> $Current): the breaking changes are allowed." -ForegroundColor Green
        }
        else {
            $failures.Add("$Breaking breaking $Gate change(s) since the base, but version.props is $Current (base $baseVersion). " +
                "Bump MAJOR to $($baseVersion.Major + 1).0.0 and describe the change under that version in CHANGELOG.md, or make the change additive.")
        }
    }
    elseif ($Additive -gt 0 -and $baseVersion -and $Current -le $baseVersion) {
        $message = "$Additive additive $Gate change(s) and version.props is still ${Current}: the rule says bump MINOR ($($baseVersion.Major).$($baseVersion.Minor + 1).0)"
        if ($BaseInfo.IsRelease) { $failures.Add("$message - $Current is already released as $($BaseInfo.Ref).") }
        elseif (Invoke-Git @('tag', '--list', "v$baseVersion") -AllowFailure) { Write-Host "    NOTE: $message before the next release." -ForegroundColor Yellow }
        else { Write-Host "    $Additive additive $Gate change(s) join the unreleased $Current (no tag v$baseVersion yet): no bump needed." }
    }
    if (-not (Test-ChangelogEntry $Current)) {
        $failures.Add("CHANGELOG.md has no entry for $Current (a '## [$Current] - <date or Unreleased>' heading).")
    }
    else { Write-Host "    CHANGELOG.md has an entry for $Current." }
    return , $failures
}

function Assert-NoFailures([string] $Gate, [System.Collections.Generic.List[string]] $Failures) {
    if ($Failures.Count -eq 0) { Write-Host "    ${Gate}: passed." -ForegroundColor Green; return }
    foreach ($failure in $Failures) { Write-Host "    ERROR: $failure" -ForegroundColor Red }
    throw "${Gate}: $($Failures -join ' ')"
}

#endregion

#region spec-diff: Optic

# Runs Optic's breaking-changes ruleset (optic.yml) on two spec files, offline, and returns its report lines and exit code.
function Invoke-Optic([string] $OldFile, [string] $NewFile) {
    foreach ($file in $OldFile, $NewFile) { if (-not (Test-Path $file)) { throw "Spec file not found: $file" } }
    if (-not (Test-Path (Join-Path $Root 'node_modules/@useoptic/optic/package.json'))) { Invoke-Target 'restore' }
    # No telemetry, no update check (it would phone the npm registry from a detached process), no colours to parse.
    $env:OPTIC_TELEMETRY_LEVEL = 'off'
    $env:NO_UPDATE_NOTIFIER = '1'
    $env:NO_COLOR = '1'
    $env:FORCE_COLOR = '0'
    $arguments = @('--no-install', 'optic', 'diff', $OldFile, $NewFile, '--check', '--standard', (Join-Path $Root 'optic.yml'))
    Write-Host "    npx $($arguments -join ' ')" -ForegroundColor DarkGray
    Push-Location $Root
    try { $lines = @(& npx @arguments 2>&1 | ForEach-Object { "$_" }); $code = $LASTEXITCODE }
    finally { Pop-Location }
    return [pscustomobject]@{ Lines = $lines; ExitCode = $code }
}

# Turns Optic's text report into one record per change: where, what, and the breaking-change rules it failed.
function ConvertFrom-OpticReport([string[]] $Lines) {
    $changes = [System.Collections.Generic.List[object]]::new()
    $crumbs = [System.Collections.Generic.List[object]]::new()
    $operation = $null
    $current = $null
    $newChange = {
        param($What, $Kind)
        $location = @($operation) + @($crumbs | ForEach-Object { $_.Text }) | Where-Object { $_ }
        $change = [pscustomobject]@{
            Location = $location -join ' > '; What = $What; Kind = $Kind
            Rules = [System.Collections.Generic.List[string]]::new()
        }
        $changes.Add($change)
        return $change
    }
    foreach ($line in $Lines) {
        if ($line -match '^\S+ (?<op>(?:GET|PUT|POST|DELETE|PATCH|HEAD|OPTIONS|TRACE) \S+?):(?: (?<kind>added|removed|changed))?\s*$') {
            $operation = $Matches.op; $crumbs.Clear(); $current = $null
            if ($Matches['kind']) { $current = & $newChange 'operation' $Matches['kind'] }
        }
        elseif ($line -match '^(?<indent>\s*)- (?<what>.+?):? (?<kind>added|removed|changed)\s*$') {
            $indent = $Matches.indent.Length; $what = $Matches.what; $kind = $Matches.kind
            while ($crumbs.Count -gt 0 -and $crumbs[-1].Indent -ge $indent) { $crumbs.RemoveAt($crumbs.Count - 1) }
            $current = & $newChange $what $kind
        }
        elseif ($line -match '^(?<indent>\s*)- (?<what>.+?):\s*$') {
            $indent = $Matches.indent.Length
            while ($crumbs.Count -gt 0 -and $crumbs[-1].Indent -ge $indent) { $crumbs.RemoveAt($crumbs.Count - 1) }
            $crumbs.Add([pscustomobject]@{ Indent = $indent; Text = $Matches.what })
        }
        elseif ($line -match '^\s*x \[(?<rule>[^\]]+)\] (?<message>.+?)\s*$') {
            if (-not $current) { $current = & $newChange '(change not located by the report)' 'changed' }
            $current.Rules.Add("[$($Matches.rule)] $($Matches.message)")
        }
    }
    return , $changes
}

# The classifier both spec-diff and spec-diff-files (and so the SpecEvolution tests) use. Returns the changes.
function Get-SpecChanges([string] $OldFile, [string] $NewFile) {
    $optic = Invoke-Optic $OldFile $NewFile
    $optic.Lines | ForEach-Object { Write-Host "    | $_" -ForegroundColor DarkGray }
    $changes = ConvertFrom-OpticReport $optic.Lines
    $breaking = @($changes | Where-Object { $_.Rules.Count -gt 0 }).Count
    if ($optic.ExitCode -ne 0 -and $breaking -eq 0) {
        throw "Optic failed with exit code $($optic.ExitCode) without reporting a breaking change (its output is above)."
    }
    if ($optic.ExitCode -eq 0 -and $breaking -gt 0) {
        throw 'Optic passed but its report lists failed checks: the report format is not what spec-diff expects.'
    }
    Write-Host ""
    Write-Host "    Spec changes: $breaking breaking, $($changes.Count - $breaking) non-breaking"
    # Long Azure-style paths share a prefix; print it once.
    $paths = @($changes | ForEach-Object { ($_.Location -split ' ', 3)[1] } | Where-Object { $_ })
    $prefix = if ($paths.Count -gt 0) { $paths[0].Substring(0, $paths[0].LastIndexOf('/') + 1) } else { '' }
    foreach ($path in $paths) { while ($prefix -and -not $path.StartsWith($prefix)) { $prefix = $prefix.Substring(0, $prefix.TrimEnd('/').LastIndexOf('/') + 1) } }
    if ($prefix.Length -lt 40) { $prefix = '' } else { Write-Host "    (… stands for $($prefix.TrimEnd('/')))" }
    foreach ($change in $changes) {
        $label = if ($change.Rules.Count -gt 0) { 'BREAKING    ' } else { 'non-breaking' }
        $color = if ($change.Rules.Count -gt 0) { 'Red' } else { 'Gray' }
        $location = if ($prefix) { $change.Location.Replace(" $prefix", ' …/') } else { $change.Location }
        Write-Host "      $label  $location > $($change.What) $($change.Kind)" -ForegroundColor $color
        foreach ($rule in $change.Rules) { Write-Host "                    $rule" -ForegroundColor $color }
    }
    return , $changes
}

#endregion

#region api-diff: PublicAPI.*.txt

# The effective public surface of a Shipped + Unshipped pair: every declared line, minus the *REMOVED* ones.
function Get-ApiSurface([string] $ShippedText, [string] $UnshippedText) {
    $surface = [System.Collections.Generic.HashSet[string]]::new([StringComparer]::Ordinal)
    $removed = [System.Collections.Generic.List[string]]::new()
    foreach ($line in (@($ShippedText -split "`r?`n") + @($UnshippedText -split "`r?`n"))) {
        $text = $line.Trim()
        if (-not $text -or $text.StartsWith('#')) { continue }
        if ($text.StartsWith('*REMOVED*')) { $removed.Add($text.Substring(9)) } else { [void] $surface.Add($text) }
    }
    foreach ($line in $removed) { [void] $surface.Remove($line) }
    return , $surface
}

# Splits a PublicAPI line into its containing type and member name (without parameters, modifiers or return type).
function Split-ApiSymbol([string] $Line) {
    $text = $Line -replace '^(?:~|(?:static|abstract|virtual|override|sealed|const|readonly|new|extern|event)\s+)*', ''
    $head = ($text -split ' -> ', 2)[0]
    $paren = $head.IndexOf('(')
    $path = if ($paren -ge 0) { $head.Substring(0, $paren) } else { ($head -split ' = ', 2)[0] }
    if ($Line -notmatch ' -> ' -and $paren -lt 0) {
        return [pscustomobject]@{ Line = $Line; IsType = $true; Type = $path; Member = '' }
    }
    # Split on the dots outside generic brackets; accessors (Name.get) belong to their property.
    $parts = [System.Collections.Generic.List[string]]::new(); $depth = 0; $start = 0
    for ($i = 0; $i -lt $path.Length; $i++) {
        switch ($path[$i]) { '<' { $depth++ } '>' { $depth-- } '.' { if ($depth -eq 0) { $parts.Add($path.Substring($start, $i - $start)); $start = $i + 1 } } }
    }
    $parts.Add($path.Substring($start))
    $take = if ($parts.Count -gt 2 -and $parts[-1] -in 'get', 'set', 'init', 'add', 'remove') { 2 } else { 1 }
    $type = ($parts.GetRange(0, $parts.Count - $take)) -join '.'
    $member = ($parts.GetRange($parts.Count - $take, $take)) -join '.'
    $display = $Line.Substring($Line.IndexOf($path) + $type.Length + 1)
    $modifiers = $Line.Substring(0, $Line.IndexOf($path)).Trim()
    if ($modifiers) { $display = "$modifiers $display" }
    return [pscustomobject]@{ Line = $Line; IsType = $false; Type = $type; Member = $member; Display = $display }
}

# Compares two surfaces: per type, the types and members added, removed and changed (same member name, new signature).
function Compare-ApiSurface([System.Collections.Generic.HashSet[string]] $OldSurface, [System.Collections.Generic.HashSet[string]] $NewSurface) {
    $removed = @($OldSurface | Where-Object { -not $NewSurface.Contains($_) } | ForEach-Object { Split-ApiSymbol $_ })
    $added = @($NewSurface | Where-Object { -not $OldSurface.Contains($_) } | ForEach-Object { Split-ApiSymbol $_ })
    $entries = [System.Collections.Generic.List[object]]::new()
    $removedTypes = @($removed | Where-Object IsType | ForEach-Object Type)
    $addedTypes = @($added | Where-Object IsType | ForEach-Object Type)
    foreach ($type in $removedTypes) { $entries.Add([pscustomobject]@{ Type = $type; Kind = 'type removed'; Text = '' }) }
    foreach ($type in $addedTypes) { $entries.Add([pscustomobject]@{ Type = $type; Kind = 'type added'; Text = '' }) }
    $oldMembers = @($removed | Where-Object { -not $_.IsType })
    $newMembers = [System.Collections.Generic.List[object]]::new(); @($added | Where-Object { -not $_.IsType }) | ForEach-Object { $newMembers.Add($_) }
    foreach ($old in $oldMembers) {
        $match = $newMembers | Where-Object { $_.Type -eq $old.Type -and $_.Member -eq $old.Member } | Select-Object -First 1
        if ($match) {
            [void] $newMembers.Remove($match)
            $entries.Add([pscustomobject]@{ Type = $old.Type; Kind = 'changed'; Text = "$($old.Display)  =>  $($match.Display)" })
        }
        else { $entries.Add([pscustomobject]@{ Type = $old.Type; Kind = 'removed'; Text = $old.Display }) }
    }
    foreach ($new in $newMembers) { $entries.Add([pscustomobject]@{ Type = $new.Type; Kind = 'added'; Text = $new.Display }) }
    return , $entries
}

function Write-ApiChanges([System.Collections.Generic.List[object]] $Entries) {
    $breaking = @($Entries | Where-Object { $_.Kind -in 'removed', 'changed', 'type removed' }).Count
    Write-Host ""
    Write-Host "    Public API changes: $breaking breaking (removed or changed), $($Entries.Count - $breaking) additive"
    $order = @{ 'type removed' = 0; 'removed' = 1; 'changed' = 2; 'type added' = 3; 'added' = 4 }
    foreach ($group in ($Entries | Group-Object Type | Sort-Object Name)) {
        Write-Host "      $($group.Name)"
        foreach ($entry in ($group.Group | Sort-Object { $order[$_.Kind] }, Text)) {
            $color = if ($entry.Kind -in 'removed', 'changed', 'type removed') { 'Red' } else { 'Gray' }
            $text = switch ($entry.Kind) {
                'type removed' { 'type removed (with every member)' }
                'type added' { 'type added' }
                default { "{0,-8} {1}" -f $entry.Kind, $entry.Text }
            }
            Write-Host "        $text" -ForegroundColor $color
        }
    }
    return $breaking
}

function Read-ApiPath([string] $Path) {
    if (-not (Test-Path $Path)) { throw "Not found: $Path" }
    if (Test-Path $Path -PathType Container) {
        $read = { param($name) $file = Join-Path $Path $name; if (Test-Path $file) { Get-Content $file -Raw } else { '' } }
        return Get-ApiSurface (& $read 'PublicAPI.Shipped.txt') (& $read 'PublicAPI.Unshipped.txt')
    }
    return Get-ApiSurface '' (Get-Content $Path -Raw)
}

#endregion

#region api-baseline: RS0016 / RS0017

# Builds the client and returns the RS0016 (undeclared) and RS0017 (declared, gone) symbols and any other error.
function Get-PublicApiDiagnostics {
    $project = Join-Path $Root 'src/ImageService.Client/ImageService.Client.csproj'
    $arguments = @('build', $project, '-c', $Configuration, '--no-incremental', '-warnaserror', '-p:TreatWarningsAsErrors=true', '-nologo', '-v:minimal')
    Write-Host "    dotnet $($arguments -join ' ')" -ForegroundColor DarkGray
    $output = @(& dotnet @arguments 2>&1 | ForEach-Object { "$_" })
    $code = $LASTEXITCODE
    $add = [System.Collections.Generic.SortedSet[string]]::new([StringComparer]::Ordinal)
    $remove = [System.Collections.Generic.SortedSet[string]]::new([StringComparer]::Ordinal)
    $other = [System.Collections.Generic.SortedSet[string]]::new([StringComparer]::Ordinal)
    foreach ($line in $output) {
        if ($line -match "(?:error|warning) RS0016: Symbol '(?<s>.+)' is not part of the declared public API") { [void] $add.Add($Matches.s) }
        elseif ($line -match "(?:error|warning) RS0017: Symbol '(?<s>.+)' is part of the declared API, but is either not public or could not be found") { [void] $remove.Add($Matches.s) }
        elseif ($line -match ': error (?<id>[A-Z]+\d+):') { [void] $other.Add(($line -replace '\s+\[[^\]]+\]$', '')) }
    }
    return [pscustomobject]@{ ExitCode = $code; Add = $add; Remove = $remove; Other = $other; Output = $output }
}

#endregion
