# Helpers of build.ps1's spec-evolution targets (spec-diff, api-diff, api-baseline), dot-sourced by build.ps1:
# they use its $Root, $Artifacts, $Configuration, $Base and Invoke-Native / Restore-NodeTools.
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

# The files the two gates (spec-diff, api-diff) compare: one base for both, so they always speak of the same change.
$GateFiles = @($SpecFile, $ApiShippedFile, $ApiUnshippedFile)

# The newest release: the highest vMAJOR.MINOR.PATCH tag, or $null before the first release.
function Get-LastRelease {
    $tag = Invoke-Git @('tag', '--list', '--sort=-v:refname') -AllowFailure | Where-Object { $_ -match '^v\d+\.\d+\.\d+$' } | Select-Object -First 1
    if (-not $tag) { return $null }
    return [pscustomobject]@{ Tag = $tag; Version = [version] $tag.Substring(1) }
}

# The ref both gates compare the working tree with, and why; Ref is $null when there is nothing to compare with.
function Resolve-BaseRef {
    $Paths = $GateFiles
    $what = 'the spec or the public API'
    if ($Base) {
        if (-not (Invoke-Git @('rev-parse', '--verify', '--quiet', "$Base^{commit}") -AllowFailure)) {
            throw "-Base '$Base' is not a commit in this repository."
        }
        return [pscustomobject]@{ Ref = $Base; Reason = "-Base $Base"; IsRelease = $Base -match '^v\d' }
    }
    $release = Get-LastRelease
    if ($release) { return [pscustomobject]@{ Ref = $release.Tag; Reason = "the newest release tag, $($release.Tag)"; IsRelease = $true } }
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

# The lines under the version's heading in CHANGELOG.md up to the next '## ' heading, or $null without a heading.
function Get-ChangelogSection([version] $Version, [string] $Path = (Join-Path $Root 'CHANGELOG.md')) {
    if (-not (Test-Path $Path)) { return $null }
    $pattern = '^##\s+\[?' + [regex]::Escape($Version.ToString()) + '\]?(\s|$)'
    $lines = @(Get-Content $Path)
    for ($i = 0; $i -lt $lines.Count; $i++) {
        if ($lines[$i] -match $pattern) {
            $section = [System.Collections.Generic.List[string]]::new()
            for ($j = $i + 1; $j -lt $lines.Count -and $lines[$j] -notmatch '^##\s'; $j++) { $section.Add($lines[$j]) }
            return [pscustomobject]@{ Heading = $lines[$i]; Line = $i; Lines = $section.ToArray() }
        }
    }
    return $null
}

# $null when CHANGELOG.md describes the version; else what is missing.
function Test-ChangelogEntry([version] $Version) {
    $section = Get-ChangelogSection $Version
    if (-not $section) { return "CHANGELOG.md has no entry for $Version (a '## [$Version] - Unreleased' heading with the change described under it)." }
    # Text is a line that is neither blank nor a sub-heading ('### Added' alone says nothing).
    if (-not ($section.Lines | Where-Object { $_.Trim() -and $_ -notmatch '^\s*#' })) {
        return "CHANGELOG.md has the heading '$($section.Heading)' but no text under it: describe the change there."
    }
    return $null
}

# The versioning rule of CHANGELOG.md: breaking -> MAJOR, additive -> MINOR, fix -> PATCH, counted from the last
# release (a v* tag), so that everything between two releases needs one bump, not one per change. Before the first
# release, breaking changes need 1.0.0 and additive ones join the unreleased version. Returns the failures.
function Test-VersionRule {
    param([string] $Gate, [int] $Breaking, [int] $Additive, [object] $BaseInfo, [version] $Current)
    $failures = [System.Collections.Generic.List[string]]::new()
    $release = Get-LastRelease
    $baseVersion = if ($BaseInfo.Ref) { Get-VersionFromProps (Get-FileAtRef $BaseInfo.Ref 'version.props') } else { $null }
    $releaseText = if ($release) { "$($release.Tag)" } else { 'none yet' }
    Write-Host "    version.props: $Current (base: $(if ($baseVersion) { $baseVersion } else { 'none' }); last release: $releaseText)"
    if ($baseVersion -and $Current -lt $baseVersion) {
        $failures.Add("version.props went backwards: $baseVersion at the base, $Current now.")
    }
    if ($release -and $Current -lt $release.Version) {
        $failures.Add("version.props ($Current) is below the last release, $($release.Tag).")
    }
    if ($Breaking -gt 0) {
        $required = if ($release) { [version]::new($release.Version.Major + 1, 0, 0) } else { [version]::new(1, 0, 0) }
        $why = if ($release) { "one MAJOR above the last release, $($release.Tag)" } else { 'nothing is released yet, so 1.0.0 (one MAJOR for all breaking changes before the first release)' }
        if ($Current -ge $required) {
            Write-Host "    $Breaking breaking $Gate change(s): version.props $Current is at least $required ($why): allowed." -ForegroundColor Green
        }
        else {
            $failures.Add("$Breaking breaking $Gate change(s) since the base, but version.props is $Current; they need $required ($why). " +
                "Set version.props to $required and describe the change under that version in CHANGELOG.md, or make the change additive.")
        }
    }
    elseif ($Additive -gt 0) {
        if ($release) {
            $required = [version]::new($release.Version.Major, $release.Version.Minor + 1, 0)
            if ($Current -ge $required) { Write-Host "    $Additive additive $Gate change(s): version.props $Current is at least $required (one MINOR above $($release.Tag)): allowed." -ForegroundColor Green }
            else { $failures.Add("$Additive additive $Gate change(s) since $($release.Tag), but version.props is ${Current}: the rule says MINOR, $required. Set version.props to $required and describe the change in CHANGELOG.md.") }
        }
        else { Write-Host "    $Additive additive $Gate change(s) join the unreleased $Current (nothing is released yet): no bump needed." }
    }
    $changelog = Test-ChangelogEntry $Current
    if ($changelog) { $failures.Add($changelog) } else { Write-Host "    CHANGELOG.md describes $Current." }
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
    # Only the node tools (Optic): the gate must work as the first command on a fresh clone, without a .NET restore.
    Restore-NodeTools | Out-Host
    # No telemetry, no update check (it would phone the npm registry from a detached process), no colours to parse.
    $env:OPTIC_TELEMETRY_LEVEL = 'off'
    $env:NO_UPDATE_NOTIFIER = '1'
    $env:NO_COLOR = '1'
    $env:FORCE_COLOR = '0'
    $arguments = @('diff', $OldFile, $NewFile, '--check', '--standard', (Join-Path $Root 'optic.yml'))
    $optic = Get-NodeTool 'optic'
    Write-Host "    $optic $($arguments -join ' ')" -ForegroundColor DarkGray
    Push-Location $Root
    try { $lines = @(& $optic @arguments 2>&1 | ForEach-Object { "$_" }); $code = $LASTEXITCODE }
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

# Optic's rule for a value added to a response enum. This SDK's enums are extensible structs that keep and write back
# a value they do not know, so for its users such a change is additive (MINOR), whatever a strict client would do.
$EnumValueAddedRule = '^\[[^\]]*enum[^\]]*\] cannot add enum option '
$EnumValueAddedReason = "MINOR for this SDK: its enums are extensible and round-trip values they do not know (CHANGELOG.md, 'Versioning rule')"

# A property that may now be null (or no longer null): Optic calls a response property that became nullable
# "expanded", breaking for a strict client. This SDK reads null into every optional property (they are all nullable in
# C#) and never sends null, so for its users such a change is MINOR; a C# signature it does change (a required
# property) still fails api-diff. Found by classifying the two specs again with every `nullable: true` taken out: a
# change that breaks only while nullability is in is about null alone.
$NullabilityReason = "MINOR for this SDK: it reads null into every optional property and never sends null; api-diff still checks the C# surface (CHANGELOG.md, 'Versioning rule')"

function Get-ChangeKey($Change) { return "$($Change.Location) > $($Change.What) $($Change.Kind)" }

# Why a removed operation breaks callers, and why a moved one does: Optic says only that an operation is gone.
$OperationRemovedReason = 'the SDK method that calls it goes away, and code built against the previous version calls an address the service no longer serves'

# The segments of a path template, and whether one is a parameter ({id}).
function Split-PathTemplate([string] $Path) { return , @($Path.Trim('/') -split '/' | Where-Object { $_ }) }

# Pairs each removed operation with the added one it moved to: the same method, and paths that differ only in a prefix
# of literal segments (the base path, an api-version segment) before the same tail, which holds every path parameter.
# The removed operation stays breaking, with the move as its reason; the added one is its new address.
function Set-OperationMoves([System.Collections.Generic.List[object]] $Changes) {
    $operation = { param($Change) if ($Change.What -eq 'operation') { $parts = $Change.Location -split ' ', 2; [pscustomobject]@{ Method = $parts[0]; Path = $parts[1] } } }
    $added = [System.Collections.Generic.List[object]]::new()
    foreach ($change in $Changes) { if ($change.What -eq 'operation' -and $change.Kind -eq 'added') { $added.Add($change) } }
    foreach ($change in @($Changes | Where-Object { $_.What -eq 'operation' -and $_.Kind -eq 'removed' })) {
        $old = & $operation $change
        $oldSegments = Split-PathTemplate $old.Path
        $best = $null; $bestTail = 0
        foreach ($candidate in $added) {
            $new = & $operation $candidate
            if ($new.Method -ne $old.Method) { continue }
            $newSegments = Split-PathTemplate $new.Path
            $tail = 0
            while ($tail -lt [math]::Min($oldSegments.Count, $newSegments.Count) -and $oldSegments[-1 - $tail] -eq $newSegments[-1 - $tail]) { $tail++ }
            $oldPrefix = @($oldSegments | Select-Object -First ($oldSegments.Count - $tail))
            $newPrefix = @($newSegments | Select-Object -First ($newSegments.Count - $tail))
            $literalPrefixes = -not (@($oldPrefix) + @($newPrefix) | Where-Object { $_ -match '\{' })
            if ($tail -gt 0 -and $literalPrefixes -and $tail -gt $bestTail) { $best = $candidate; $bestTail = $tail }
        }
        if ($best) {
            [void] $added.Remove($best)
            $new = & $operation $best
            $newSegments = Split-PathTemplate $new.Path
            $newBase = '/' + (($newSegments | Select-Object -First ($newSegments.Count - $bestTail)) -join '/')
            $oldBase = '/' + (($oldSegments | Select-Object -First ($oldSegments.Count - $bestTail)) -join '/')
            $change.Reason = "moved to $($new.Path): its base path (or the api-version in it) changed from '$oldBase' to '$newBase', so code built against the previous version calls an address the service no longer serves"
            $best.Reason = "the new address of $($old.Method) $($old.Path)"
        }
        else { $change.Reason = $OperationRemovedReason }
    }
}

# The keys of the changes Optic still calls breaking once nullability is taken out of both specs.
function Get-BreakingKeysWithoutNullability([string] $OldFile, [string] $NewFile) {
    $directory = Join-Path ([System.IO.Path]::GetTempPath()) ("spec-diff-" + [guid]::NewGuid().ToString('n'))
    New-Item -ItemType Directory -Force $directory | Out-Null
    try {
        $stripped = foreach ($file in $OldFile, $NewFile) {
            $copy = Join-Path $directory ("{0}-{1}" -f [array]::IndexOf(@($OldFile, $NewFile), $file), (Split-Path $file -Leaf))
            $lines = Get-Content -LiteralPath $file | Where-Object { $_ -notmatch '^\s*nullable:\s*true\s*$' }
            Set-Content -LiteralPath $copy -Value $lines
            $copy
        }
        $optic = Invoke-Optic $stripped[0] $stripped[1]
        $keys = [System.Collections.Generic.HashSet[string]]::new()
        foreach ($change in (ConvertFrom-OpticReport $optic.Lines)) { if ($change.Rules.Count -gt 0) { [void] $keys.Add((Get-ChangeKey $change)) } }
        return , $keys
    }
    finally { Remove-Item -Recurse -Force $directory -ErrorAction SilentlyContinue }
}

# The classifier both spec-diff and spec-diff-files (and so the SpecEvolution tests) use. Returns the changes, each
# with Optic's rules and the SDK's verdict: Breaking unless every rule it failed is an added enum value, or it breaks
# only because of nullability.
function Get-SpecChanges([string] $OldFile, [string] $NewFile) {
    $optic = Invoke-Optic $OldFile $NewFile
    $optic.Lines | ForEach-Object { Write-Host "    | $_" -ForegroundColor DarkGray }
    $changes = ConvertFrom-OpticReport $optic.Lines
    $opticBreaking = @($changes | Where-Object { $_.Rules.Count -gt 0 }).Count
    if ($optic.ExitCode -ne 0 -and $opticBreaking -eq 0) {
        throw "Optic failed with exit code $($optic.ExitCode) without reporting a breaking change (its output is above)."
    }
    if ($optic.ExitCode -eq 0 -and $opticBreaking -gt 0) {
        throw 'Optic passed but its report lists failed checks: the report format is not what spec-diff expects.'
    }
    $withoutNullability = $null
    foreach ($change in $changes) {
        $enumOnly = $change.Rules.Count -gt 0 -and -not ($change.Rules | Where-Object { $_ -notmatch $EnumValueAddedRule })
        $nullOnly = $false
        if ($change.Rules.Count -gt 0 -and -not $enumOnly) {
            if ($null -eq $withoutNullability) {
                # Specs without a 'nullable: true' are their own stripped copies: no second Optic run to learn that.
                $nullable = @($OldFile, $NewFile | Where-Object { Select-String -LiteralPath $_ -Pattern '^\s*nullable:\s*true\s*$' -Quiet })
                $withoutNullability = if ($nullable) { Get-BreakingKeysWithoutNullability $OldFile $NewFile }
                else { $keys = [System.Collections.Generic.HashSet[string]]::new(); foreach ($c in $changes) { if ($c.Rules.Count) { [void] $keys.Add((Get-ChangeKey $c)) } }; , $keys }
            }
            $nullOnly = -not $withoutNullability.Contains((Get-ChangeKey $change))
        }
        $change | Add-Member -NotePropertyName EnumValueAdded -NotePropertyValue $enumOnly
        $change | Add-Member -NotePropertyName NullabilityOnly -NotePropertyValue $nullOnly
        $change | Add-Member -NotePropertyName Breaking -NotePropertyValue ($change.Rules.Count -gt 0 -and -not $enumOnly -and -not $nullOnly)
        $change | Add-Member -NotePropertyName Reason -NotePropertyValue $null
    }
    Set-OperationMoves $changes
    # The spec's own version (and its other info) is the service's affair: the SDK's version says what changed for its
    # users, so a change of info.version alone is no change to count (and never switches a check off: optic.yml).
    $details = @($changes | Where-Object { -not $_.Location -and $_.What -match '^/info(/|$)' })
    foreach ($detail in $details) { [void] $changes.Remove($detail) }
    if ($details) { Write-Host "    spec details changed (not counted, the SDK's version is version.props): $(($details | ForEach-Object { "$($_.What) $($_.Kind)" }) -join ', ')" }
    $breaking = @($changes | Where-Object Breaking).Count
    $enumAdded = @($changes | Where-Object EnumValueAdded).Count
    $nullability = @($changes | Where-Object NullabilityOnly).Count
    Write-Host ""
    $notes = @()
    if ($enumAdded) { $notes += "$enumAdded of them an added enum value that Optic calls breaking: MINOR for this SDK" }
    if ($nullability) { $notes += "$nullability of them about null alone, which Optic calls breaking: MINOR for this SDK" }
    $note = if ($notes) { " ($($notes -join '; '))" } else { '' }
    Write-Host "    Spec changes: $breaking breaking, $($changes.Count - $breaking) non-breaking$note"
    # Long Azure-style paths share a prefix; print it once.
    $paths = @($changes | ForEach-Object { $parts = @($_.Location -split ' ', 3); if ($parts.Count -ge 2) { $parts[1] } } | Where-Object { $_ })
    $prefix = if ($paths.Count -gt 0) { $paths[0].Substring(0, $paths[0].LastIndexOf('/') + 1) } else { '' }
    foreach ($path in $paths) { while ($prefix -and -not $path.StartsWith($prefix)) { $prefix = $prefix.Substring(0, $prefix.TrimEnd('/').LastIndexOf('/') + 1) } }
    if ($prefix.Length -lt 40) { $prefix = '' } else { Write-Host "    (… stands for $($prefix.TrimEnd('/')))" }
    foreach ($change in $changes) {
        $label = if ($change.Breaking) { 'BREAKING    ' } else { 'non-breaking' }
        $reason = if ($change.EnumValueAdded) { $EnumValueAddedReason } elseif ($change.NullabilityOnly) { $NullabilityReason } else { $null }
        $color = if ($change.Breaking) { 'Red' } elseif ($reason) { 'Yellow' } else { 'Gray' }
        $location = if ($prefix) { $change.Location.Replace(" $prefix", ' …/') } else { $change.Location }
        Write-Host "      $label  $location > $($change.What) $($change.Kind)" -ForegroundColor $color
        if ($reason) {
            foreach ($rule in $change.Rules) { Write-Host "                    Optic: BREAKING $rule" -ForegroundColor $color }
            Write-Host "                    $reason" -ForegroundColor $color
        }
        elseif ($change.What -eq 'operation' -and $change.Kind -eq 'removed' -and $change.Rules.Count -gt 1) {
            # Everything the operation took and answered is gone with it: its first check says it, the rest only repeat it.
            Write-Host "                    $($change.Rules[0])" -ForegroundColor $color
            Write-Host "                    (and $($change.Rules.Count - 1) more failed checks on what it took and answered)" -ForegroundColor $color
        }
        else { foreach ($rule in $change.Rules) { Write-Host "                    $rule" -ForegroundColor $color } }
        if ($change.Reason) { Write-Host "                    $(if ($change.Breaking) { 'breaking: ' })$($change.Reason)" -ForegroundColor $color }
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

# The parameters of a member line (type, name, whether it has a default) and what follows ' -> ': the parts of a
# signature that decide which calls bind to it. $null for a line without a parameter list (a property accessor, a field).
function Get-ApiSignature([string] $Line) {
    $head = ($Line -split ' -> ', 2)[0]
    $open = $head.IndexOf('(')
    if ($open -lt 0 -or -not $head.EndsWith(')')) { return $null }
    $list = $head.Substring($open + 1, $head.Length - $open - 2)
    $parameters = [System.Collections.Generic.List[object]]::new(); $depth = 0; $start = 0
    for ($i = 0; $i -le $list.Length; $i++) {
        if ($i -eq $list.Length -or ($list[$i] -eq ',' -and $depth -eq 0)) {
            $text = $list.Substring($start, $i - $start).Trim(); $start = $i + 1
            if (-not $text) { continue }
            $declaration, $default = $text -split ' = ', 2
            $name = ($declaration -split ' ')[-1]
            $parameters.Add([pscustomobject]@{ Type = $declaration.Substring(0, $declaration.Length - $name.Length).Trim(); Name = $name; HasDefault = $null -ne $default })
            continue
        }
        if ($list[$i] -in '<', '(', '[') { $depth++ } elseif ($list[$i] -in '>', ')', ']') { $depth-- }
    }
    return [pscustomobject]@{ Prefix = $head.Substring(0, $open); Parameters = $parameters; Returns = ($Line -split ' -> ', 2)[1] }
}

# Whether every call an old overload took still binds to exactly one overload of the new surface: for each number of
# arguments it accepted (its required parameters, then one more optional one at a time), an overload with those leading
# parameter types that takes exactly that many, or else exactly one that fills the rest with defaults. So
# GetImageAsync(id, ct = default) stays callable when it becomes GetImageAsync(id, ct) beside GetImageAsync(id,
# options = null, ct = default): GetImageAsync(id) binds to the second, GetImageAsync(id, ct) to the first.
function Test-CallsStillBind($Old, [object[]] $Overloads) {
    $parameters = @($Old.Parameters)
    $required = @($parameters | Where-Object { -not $_.HasDefault }).Count
    for ($count = $required; $count -le $parameters.Count; $count++) {
        $exact = 0; $withDefaults = 0
        foreach ($overload in $Overloads) {
            $candidate = @($overload.Parameters)
            if ($candidate.Count -lt $count) { continue }
            $fits = $true
            for ($i = 0; $i -lt $candidate.Count -and $fits; $i++) {
                $fits = if ($i -lt $count) { $candidate[$i].Type -eq $parameters[$i].Type } else { $candidate[$i].HasDefault }
            }
            if (-not $fits) { continue }
            if ($candidate.Count -eq $count) { $exact++ } else { $withDefaults++ }
        }
        if (-not ($exact -eq 1 -or ($exact -eq 0 -and $withDefaults -eq 1))) { return $false }
    }
    return $true
}

# Compares two surfaces: per type, the types and members added, removed and changed (same member name, new signature).
# A member whose old signature stays (the same parameter types, names and return type; only a default moved) while an
# overload is added is kept, not changed, when every call it took still binds (Test-CallsStillBind): binary callers
# find the same signature, source callers compile as before.
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
    $newOverloads = @{}
    foreach ($line in $NewSurface) {
        $symbol = Split-ApiSymbol $line
        if ($symbol.IsType -or -not ($signature = Get-ApiSignature $line)) { continue }
        $key = "$($symbol.Type)|$($symbol.Member)"
        if (-not $newOverloads.ContainsKey($key)) { $newOverloads[$key] = [System.Collections.Generic.List[object]]::new() }
        $newOverloads[$key].Add([pscustomobject]@{ Line = $line; Signature = $signature })
    }
    foreach ($old in $oldMembers) {
        $oldSignature = Get-ApiSignature $old.Line
        $overloads = $newOverloads["$($old.Type)|$($old.Member)"]
        if ($oldSignature -and $overloads) {
            $same = { param($a, $b) (@($a.Parameters | ForEach-Object { "$($_.Type) $($_.Name)" }) -join ',') -eq (@($b.Parameters | ForEach-Object { "$($_.Type) $($_.Name)" }) -join ',') -and $a.Returns -eq $b.Returns -and $a.Prefix -eq $b.Prefix }
            $kept = $overloads | Where-Object { & $same $oldSignature $_.Signature } | Select-Object -First 1
            if ($kept -and (Test-CallsStillBind $oldSignature @($overloads | ForEach-Object Signature))) {
                $match = $newMembers | Where-Object { $_.Line -eq $kept.Line } | Select-Object -First 1
                if ($match) { [void] $newMembers.Remove($match) }
                $entries.Add([pscustomobject]@{ Type = $old.Type; Kind = 'kept'; Text = "$($old.Display)  =>  $((Split-ApiSymbol $kept.Line).Display)  (same signature; every call it took still binds)" })
                continue
            }
        }
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

# The kinds of api-diff entry that break callers; 'kept' (a signature that stays while an overload is added) is neither
# breaking nor additive.
$ApiBreakingKinds = @('removed', 'changed', 'type removed', 'now required')

function Write-ApiChanges([System.Collections.Generic.List[object]] $Entries) {
    $breaking = @($Entries | Where-Object { $_.Kind -in $ApiBreakingKinds }).Count
    $additive = @($Entries | Where-Object { $_.Kind -in 'added', 'type added' }).Count
    Write-Host ""
    Write-Host "    Public API changes: $breaking breaking (removed or changed), $additive additive"
    $order = @{ 'type removed' = 0; 'removed' = 1; 'changed' = 2; 'now required' = 3; 'kept' = 4; 'type added' = 5; 'added' = 6 }
    foreach ($group in ($Entries | Group-Object Type | Sort-Object Name)) {
        Write-Host "      $($group.Name)"
        foreach ($entry in ($group.Group | Sort-Object { $order[$_.Kind] }, Text)) {
            $color = if ($entry.Kind -in $ApiBreakingKinds) { 'Red' } else { 'Gray' }
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

#region the gates, as functions: spec-diff, api-diff and spec-update call them

# spec-diff: Optic on the spec at the base and now, the SDK's verdict per change, then the versioning rule. Returns the failures.
function Invoke-SpecGate {
    $baseInfo = Resolve-BaseRef
    Write-Host "    base: $($baseInfo.Reason)"
    $changes = @()
    if (-not $baseInfo.Ref) { Write-Host '    nothing to compare the spec with: no spec change to check.' }
    else {
        $oldSpec = Get-FileAtRef $baseInfo.Ref $SpecFile
        if ($null -eq $oldSpec) { Write-Host "    $SpecFile does not exist at the base: the whole spec is new, nothing to break." }
        else {
            $directory = Join-Path $Artifacts 'spec-diff'
            New-Item -ItemType Directory -Force $directory | Out-Null
            $oldFile = Join-Path $directory 'images.base.yaml'
            Set-Content -Path $oldFile -Value $oldSpec -NoNewline
            $changes = Get-SpecChanges $oldFile (Join-Path $Root $SpecFile)
        }
    }
    $breaking = @($changes | Where-Object Breaking).Count
    return Test-VersionRule -Gate 'spec' -Breaking $breaking -Additive ($changes.Count - $breaking) -BaseInfo $baseInfo -Current (Get-CurrentVersion)
}

# The required properties of the schemas a request sends (.ci/scripts/spec-request-required.js), keyed Schema.property.
function Get-RequestRequired([string] $SpecPath) {
    Restore-NodeTools | Out-Host
    $json = & node (Join-Path $Root '.ci/scripts/spec-request-required.js') $SpecPath
    if ($LASTEXITCODE -ne 0) { throw "Reading the required request properties of $SpecPath failed (exit code $LASTEXITCODE)." }
    $required = @{}
    foreach ($entry in @($json | ConvertFrom-Json)) { $required["$($entry.schema).$($entry.property)"] = $entry }
    return $required
}

# Request properties the spec requires now and did not at the base (new, or made required): no C# signature changes,
# yet code built against the base does not set them and sends requests the service rejects. Empty without a base spec.
function Get-NewRequiredRequestProperties($BaseInfo) {
    if (-not $BaseInfo.Ref) { return , @() }
    $oldSpec = Get-FileAtRef $BaseInfo.Ref $SpecFile
    if ($null -eq $oldSpec) { return , @() }
    $directory = Join-Path $Artifacts 'spec-diff'
    New-Item -ItemType Directory -Force $directory | Out-Null
    $oldFile = Join-Path $directory 'images.base.required.yaml'
    Set-Content -Path $oldFile -Value $oldSpec -NoNewline
    $old = Get-RequestRequired $oldFile
    $now = Get-RequestRequired (Join-Path $Root $SpecFile)
    return , @($now.Keys | Sort-Object | Where-Object { -not $old.ContainsKey($_) } | ForEach-Object { $now[$_] })
}

# api-diff: PublicAPI.*.txt at the base and now, grouped by type, then the versioning rule. Returns the failures.
function Invoke-ApiGate {
    $baseInfo = Resolve-BaseRef
    Write-Host "    base: $($baseInfo.Reason)"
    $breaking = 0; $additive = 0
    if (-not $baseInfo.Ref) { Write-Host '    nothing to compare the public API with: no API change to check.' }
    else {
        $oldSurface = Get-ApiSurface (Get-FileAtRef $baseInfo.Ref $ApiShippedFile) (Get-FileAtRef $baseInfo.Ref $ApiUnshippedFile)
        $newSurface = Read-ApiPath (Join-Path $Root 'src/ImageService.Client')
        $entries = Compare-ApiSurface $oldSurface $newSurface
        foreach ($required in (Get-NewRequiredRequestProperties $baseInfo)) {
            $type = @($newSurface | Where-Object { $_ -match "(^|\.)$([regex]::Escape($required.type))$" }) | Select-Object -First 1
            $entries.Add([pscustomobject]@{
                    Type = if ($type) { $type } else { $required.type }; Kind = 'now required'
                    Text = "$($required.member): $SpecFile requires '$($required.property)' in $($required.schema) now, so code built against the base, which does not set it, sends requests the service rejects"
                })
        }
        $breaking = Write-ApiChanges $entries
        $additive = @($entries | Where-Object { $_.Kind -in 'added', 'type added' }).Count
    }
    return Test-VersionRule -Gate 'public API' -Breaking $breaking -Additive $additive -BaseInfo $baseInfo -Current (Get-CurrentVersion)
}

#endregion

#region api-baseline: RS0016 / RS0017

# Whether a project of the repository lacks its restore (obj/project.assets.json) or changed a file restore reads
# since: then restore runs; else it is skipped, which saves a whole-solution evaluation on every spec-update.
function Test-RestoreNeeded {
    $shared = @('Directory.Packages.props', 'Directory.Build.props', 'global.json', 'src/Directory.Build.props', 'tests/Directory.Build.props', 'samples/Directory.Build.props') |
        ForEach-Object { Join-Path $Root $_ } | Where-Object { Test-Path $_ } | ForEach-Object { [System.IO.File]::GetLastWriteTimeUtc($_) }
    $newestShared = ($shared | Measure-Object -Maximum).Maximum
    foreach ($project in Get-ChildItem (Join-Path $Root 'src'), (Join-Path $Root 'tests'), (Join-Path $Root 'samples') -Recurse -Filter *.csproj -ErrorAction SilentlyContinue) {
        $assets = Join-Path $project.DirectoryName 'obj/project.assets.json'
        if (-not (Test-Path $assets)) { return $true }
        $restored = [System.IO.File]::GetLastWriteTimeUtc($assets)
        if ($restored -lt $project.LastWriteTimeUtc -or $restored -lt $newestShared) { return $true }
    }
    return $false
}

# Builds the client and returns the RS0016 (undeclared) and RS0017 (declared, gone) symbols and any other error.
# Incrementally: the analyzer reports them only when the compiler runs, so PublicAPI.Unshipped.txt (an input of the
# compile, not of NSwag or of what the client references) is touched first; a spec change regenerates the client as
# any build does. One target framework: the whole-solution build that follows compiles the other.
function Get-PublicApiDiagnostics {
    $project = Join-Path $Root 'src/ImageService.Client/ImageService.Client.csproj'
    [System.IO.File]::SetLastWriteTimeUtc((Join-Path $Root $ApiUnshippedFile), [DateTime]::UtcNow)
    $restore = if (Test-RestoreNeeded) { @() } else { @('--no-restore') }
    $arguments = @('build', $project) + $restore + @('-c', $Configuration, '-f', 'net10.0', '-warnaserror', '-p:TreatWarningsAsErrors=true', '-nologo', '-v:minimal')
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

# PublicAPI.*.txt as the analyzer's code fix writes it: '#nullable enable', then the symbols in ordinal order.
function Format-ApiFile([string[]] $Symbols) {
    $sorted = [System.Collections.Generic.SortedSet[string]]::new([StringComparer]::Ordinal)
    foreach ($symbol in $Symbols) { if ($symbol.Trim() -and $symbol.Trim() -ne '#nullable enable') { [void] $sorted.Add($symbol.Trim()) } }
    return ((@('#nullable enable') + @($sorted)) -join "`n") + "`n"
}

function Write-ApiFile([string] $Path, [string[]] $Symbols) { [System.IO.File]::WriteAllText($Path, (Format-ApiFile $Symbols)) }

# Rewrites PublicAPI.Unshipped.txt from the client build's RS0016/RS0017 until the build declares exactly its public
# API. Returns what changed and, when the client has other errors, those errors (the baseline is then left alone).
function Update-ApiBaseline([switch] $VerifyByTheSolutionBuild) {
    $unshipped = Join-Path $Root $ApiUnshippedFile
    $shipped = @(Get-Content (Join-Path $Root $ApiShippedFile))
    $added = [System.Collections.Generic.List[string]]::new(); $removed = [System.Collections.Generic.List[string]]::new()
    for ($round = 1; $round -le 3; $round++) {
        $diagnostics = Get-PublicApiDiagnostics
        if ($diagnostics.Other.Count -gt 0) {
            return [pscustomobject]@{ Added = $added; Removed = $removed; Errors = @($diagnostics.Other); Settled = $false }
        }
        if ($diagnostics.Add.Count -eq 0 -and $diagnostics.Remove.Count -eq 0) {
            if ($diagnostics.ExitCode -ne 0) {
                return [pscustomobject]@{ Added = $added; Removed = $removed; Errors = @($diagnostics.Output | Select-Object -Last 30); Settled = $false }
            }
            $sortedText = Format-ApiFile @(Get-Content $unshipped)
            if ([System.IO.File]::ReadAllText($unshipped) -ne $sortedText) { [System.IO.File]::WriteAllText($unshipped, $sortedText); Write-Host "    $ApiUnshippedFile sorted." }
            return [pscustomobject]@{ Added = $added; Removed = $removed; Errors = @(); Settled = $true }
        }
        $lines = [System.Collections.Generic.List[string]]::new()
        foreach ($line in (Get-Content $unshipped)) { if (-not $diagnostics.Remove.Contains($line.Trim())) { $lines.Add($line) } }
        foreach ($symbol in $diagnostics.Remove) {
            # Gone from Shipped: the analyzer wants it marked removed in Unshipped until the next release.
            if ($shipped -contains $symbol) { $lines.Add("*REMOVED*$symbol") }
            $removed.Add($symbol)
            Write-Host "    - $symbol" -ForegroundColor Red
        }
        foreach ($symbol in $diagnostics.Add) {
            if (-not $lines.Contains($symbol)) { $lines.Add($symbol) }
            $added.Add($symbol)
            Write-Host "    + $symbol" -ForegroundColor Green
        }
        Write-ApiFile $unshipped $lines
        if ($VerifyByTheSolutionBuild) {
            # spec-update builds the whole solution next: a symbol still undeclared there is a [baseline] step.
            Write-Host "    $ApiUnshippedFile updated: $($diagnostics.Add.Count) added, $($diagnostics.Remove.Count) removed; the solution build verifies it."
            return [pscustomobject]@{ Added = $added; Removed = $removed; Errors = @(); Settled = $false }
        }
        Write-Host "    $ApiUnshippedFile updated: $($diagnostics.Add.Count) added, $($diagnostics.Remove.Count) removed (round $round); rebuilding to verify."
    }
    throw 'The public API baseline did not settle after 3 rounds.'
}

#endregion
