# build.ps1 walkthroughs: the proof that the spec workflow holds whatever state the repository is in. In a scratch
# clone outside the repository (its history and release tags, plus this working tree's uncommitted changes) it
# releases the version version.props names when that is not released yet, then does CONTRIBUTING.md's Walkthrough 1
# (taking the YAML from CONTRIBUTING.md itself) and Walkthrough 2 exactly as written: edit the spec, run spec-update,
# do the steps it lists, rerun it until "Nothing remains", commit; then runs the README's test command. It is not part
# of `build.ps1 test` (that would run itself); .ci/run runs it as its own step. Dot-sourced by build.ps1.

# The spec text between an anchor and the first line after it, and where to insert after that line.
function Get-InsertionPoint([string] $Text, [string] $Anchor, [string] $Line, [string] $What) {
    $start = $Text.IndexOf($Anchor, [StringComparison]::Ordinal)
    $at = if ($start -ge 0) { $Text.IndexOf($Line, $start, [StringComparison]::Ordinal) } else { -1 }
    if ($at -lt 0) { throw "walkthroughs: $What no longer has '$($Anchor.Trim())' followed by '$($Line.Trim())': update .ci/scripts/Walkthroughs.ps1 (and CONTRIBUTING.md if the walkthrough changed)." }
    return $at + $Line.Length
}

# Edits a file of the clone: inserts text after the first match of a regular expression, or fails saying what moved.
function Edit-CloneFile([string] $Clone, [string] $Relative, [string] $Pattern, [string] $Insertion, [string] $Why) {
    $path = Join-Path $Clone $Relative
    $text = [System.IO.File]::ReadAllText($path)
    $match = [regex]::Match($text, $Pattern)
    if (-not $match.Success) { throw "walkthroughs: $Relative no longer matches /$Pattern/ ($Why): update the hand edit in .ci/scripts/Walkthroughs.ps1 and the walkthrough in CONTRIBUTING.md." }
    $at = $match.Index + $match.Length
    [System.IO.File]::WriteAllText($path, $text.Substring(0, $at) + $Insertion + $text.Substring($at))
    Write-Host "    edited $Relative ($Why)"
}

# A name the spec does not use yet: the walkthrough's own, or with a number when the walkthrough was done for real.
function Get-FreshName([string] $Spec, [string] $Name, [scriptblock] $Spelled) {
    for ($i = 1; ; $i++) {
        $candidate = if ($i -eq 1) { $Name } else { "$Name$i" }
        if (-not $Spec.Contains((& $Spelled $candidate))) { return $candidate }
    }
}

# The YAML block of a CONTRIBUTING.md walkthrough, as lines.
function Get-WalkthroughYaml([string] $Heading) {
    $text = [System.IO.File]::ReadAllText((Join-Path $Root 'CONTRIBUTING.md'))
    $match = [regex]::Match($text, "(?s)### $([regex]::Escape($Heading)).*?``````yaml\n(?<yaml>.*?)``````")
    if (-not $match.Success) { throw "walkthroughs: CONTRIBUTING.md has no '### $Heading' with a yaml block." }
    return , @($match.Groups['yaml'].Value.TrimEnd("`n") -split "`n")
}

function Invoke-InClone([string] $Clone, [string[]] $Arguments, [switch] $AllowFailure) {
    Write-Host "    (clone) dotnet pwsh ./build.ps1 $($Arguments -join ' ')" -ForegroundColor DarkGray
    $output = [System.Collections.Generic.List[string]]::new()
    Push-Location $Clone
    try { & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Clone 'build.ps1') @Arguments 2>&1 | ForEach-Object { $output.Add("$_"); Write-Host "    | $_" } }
    finally { Pop-Location }
    $code = $LASTEXITCODE
    if ($code -ne 0 -and -not $AllowFailure) { throw "walkthroughs: 'build.ps1 $($Arguments -join ' ')' failed in the clone (exit code $code, output above)." }
    return [pscustomobject]@{ ExitCode = $code; Output = ($output -join "`n") }
}

function Invoke-CloneGit([string] $Clone, [string[]] $Arguments) {
    $output = & git -C $Clone @Arguments 2>&1
    if ($LASTEXITCODE -ne 0) { throw "walkthroughs: git $($Arguments -join ' ') failed in the clone: $output" }
    return $output
}

# CONTRIBUTING.md's step 4: spec-update says nothing remains, then everything is committed together.
function Complete-Walkthrough([string] $Clone, [string] $What, [string] $Change) {
    $result = Invoke-InClone $Clone @('spec-update') -AllowFailure
    if ($result.ExitCode -ne 0 -or $result.Output -notmatch 'Nothing remains for this spec change') {
        throw "walkthroughs: after $What, spec-update still lists steps (output above): CONTRIBUTING.md's walkthrough and the repository disagree."
    }
    Invoke-CloneGit $Clone @('add', '-A') | Out-Null
    Invoke-CloneGit $Clone @('commit', '--quiet', '-m', "${What}: $Change") | Out-Null
}

function Invoke-Walkthroughs {
    $times = [System.Collections.Generic.List[object]]::new()
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $lap = { param($Step) $times.Add([pscustomobject]@{ Step = $Step; Seconds = [math]::Round($watch.Elapsed.TotalSeconds, 1) }); $watch.Restart() }
    $clone = Join-Path ([System.IO.Path]::GetTempPath()) ("imageservice-walkthroughs-" + [guid]::NewGuid().ToString('n').Substring(0, 12))
    try {
        # A clone, with this working tree's uncommitted changes on top (committed there), so that what is checked is
        # what is here; its history and tags are the repository's.
        Write-Host "    cloning into $clone"
        Invoke-Native git @('clone', '--quiet', '--no-hardlinks', $Root, $clone)
        Invoke-CloneGit $clone @('config', 'user.email', 'walkthroughs@example.test') | Out-Null
        Invoke-CloneGit $clone @('config', 'user.name', 'Walkthroughs') | Out-Null
        Invoke-CloneGit $clone @('config', 'commit.gpgsign', 'false') | Out-Null
        Invoke-CloneGit $clone @('config', 'tag.gpgsign', 'false') | Out-Null
        $changed = @(Invoke-Git @('ls-files', '--modified', '--others', '--exclude-standard'))
        foreach ($relative in $changed | Where-Object { $_ }) {
            $source = Join-Path $Root $relative; $target = Join-Path $clone $relative
            if (Test-Path $source -PathType Leaf) { New-Item -ItemType Directory -Force (Split-Path $target) | Out-Null; Copy-Item -LiteralPath $source -Destination $target -Force }
            elseif (Test-Path $target) { Remove-Item -LiteralPath $target -Force }
        }
        if (Invoke-CloneGit $clone @('status', '--porcelain')) {
            Invoke-CloneGit $clone @('add', '-A') | Out-Null
            Invoke-CloneGit $clone @('commit', '--quiet', '-m', 'The working tree under test') | Out-Null
            Write-Host "    the working tree's $($changed.Count) uncommitted change(s) committed in the clone"
        }
        # The npm tools of this checkout (read only: Spectral, Optic, Prism); the lock file keeps its time so the clone
        # never runs npm ci through the link. The NuGet cache is the machine's, as for any clone.
        $lock = 'package-lock.json'
        [System.IO.File]::SetLastWriteTimeUtc((Join-Path $clone $lock), [System.IO.File]::GetLastWriteTimeUtc((Join-Path $Root $lock)))
        New-Item -ItemType SymbolicLink -Path (Join-Path $clone 'node_modules') -Target (Join-Path $Root 'node_modules') | Out-Null
        # .gitignore's 'node_modules/' matches a folder, not a link to one: release wants a clean tree.
        Add-Content -LiteralPath (Join-Path $clone '.git/info/exclude') -Value '/node_modules'
        Push-Location $clone
        try { Invoke-Native dotnet @('tool', 'restore') | Out-Host } finally { Pop-Location }
        & $lap 'clone'

        # Releasing: the version version.props names, unless it is released already (a tag for it).
        $version = Get-VersionFromProps ([System.IO.File]::ReadAllText((Join-Path $clone 'version.props')))
        if (Invoke-CloneGit $clone @('tag', '--list', "v$version")) { Write-Host "    v$version is released already: no release step." }
        else { Invoke-InClone $clone @('release', '-Version', "$version") | Out-Null }
        $release = [version] ((Invoke-CloneGit $clone @('tag', '--list', '--sort=-v:refname') | Where-Object { $_ -match '^v\d+\.\d+\.\d+$' } | Select-Object -First 1).Substring(1))
        $minor = "$($release.Major).$($release.Minor + 1).0"
        & $lap "release $version"

        # Walkthrough 1, from CONTRIBUTING.md: the query parameter and the response property, under their anchors.
        $specPath = Join-Path $clone $SpecFile
        $spec = [System.IO.File]::ReadAllText($specPath)
        $yaml = Get-WalkthroughYaml 'Walkthrough 1'
        $split = [array]::FindIndex($yaml, [Predicate[string]] { param($l) $l.Trim() -eq '...' })
        $strip = { param($Lines) ($Lines | ForEach-Object { $_ -replace '\s+#.*$', '' }) -join "`n" }
        $parameterYaml = & $strip $yaml[0..($split - 1)]
        $propertyYaml = & $strip $yaml[($split + 1)..($yaml.Count - 1)]
        $parameter = Get-FreshName $spec 'createdAfter' { param($n) "- name: $n`n" }
        $property = Get-FreshName $spec 'buildDurationSeconds' { param($n) "`n        ${n}:" }
        $parameterYaml = $parameterYaml.Replace('name: createdAfter', "name: $parameter")
        $propertyYaml = $propertyYaml.Replace('buildDurationSeconds:', "${property}:")
        $at = Get-InsertionPoint $spec '      operationId: Images_ListQuery' "      parameters:`n" 'the list operation'
        $spec = $spec.Insert($at, "$parameterYaml`n")
        $at = Get-InsertionPoint $spec "`n    ImageResponseBase:" "`n      properties:`n" 'ImageResponseBase'
        $spec = $spec.Insert($at, "$propertyYaml`n")
        [System.IO.File]::WriteAllText($specPath, $spec)
        Write-Host "    Walkthrough 1: $parameter and $property added to $SpecFile"
        $first = Invoke-InClone $clone @('spec-update') -AllowFailure
        if ($first.ExitCode -eq 0 -or $first.Output -notmatch "\[emulator\].*Images_ListQueryAsync") {
            throw "walkthroughs: Walkthrough 1's first spec-update should list the [emulator] step for Images_ListQueryAsync, as CONTRIBUTING.md shows (output above)."
        }
        & $lap 'walkthrough 1: spec edit, spec-update (lists the steps)'

        # The steps it lists, as CONTRIBUTING.md describes them.
        $member = $property.Substring(0, 1).ToUpperInvariant() + $property.Substring(1)
        Edit-CloneFile $clone 'src/ImageService.Emulator/Api/ImagesApi.cs' 'Images_ListQueryAsync\(' "System.DateTimeOffset? $parameter, " '[emulator] accept the parameter'
        Edit-CloneFile $clone 'src/ImageService.Emulator/Api/ImagesApi.cs' 'store\.Images(?:Async)?\([^)]*\)\)?\.Where\(i =>\s*' "($parameter is null || i.CreatedTime > $parameter) && " '[emulator] honour it'
        Edit-CloneFile $clone 'src/ImageService.Emulator/Api/WireJson.cs' 'body\.CreatedTime = image\.CreatedTime;\n' "        body.$member = (long)(image.ModifiedTime - image.CreatedTime).TotalSeconds;`n" '[emulator] serve the property'
        Edit-CloneFile $clone 'tests/ImageService.Emulator.Tests/Contract/SpecConformanceTests.cs' '(?m)^(?=\s*\[\("Images_ListQuery", "name"\)\])' "        [(`"Images_ListQuery`", `"$parameter`")] = p => p.ListFilters(`"$parameter=2999-01-01T00:00:00Z`", []),`n" '[emulator] the probe that shows the filter acts'
        Edit-CloneFile $clone 'tests/ImageService.Benchmarks/Peers/NSwagPeer.cs' '_client\.ListQueryAsync\(' 'null, ' '[peers] the stock NSwag client takes the new parameter positionally'
        $props = Join-Path $clone 'version.props'
        [System.IO.File]::WriteAllText($props, ([System.IO.File]::ReadAllText($props) -replace '<VersionPrefix>[^<]*</VersionPrefix>', "<VersionPrefix>$minor</VersionPrefix>"))
        $changelog = Join-Path $clone 'CHANGELOG.md'
        $text = [System.IO.File]::ReadAllText($changelog)
        $heading = $text.IndexOf("`n## [", [StringComparison]::Ordinal) + 1
        [System.IO.File]::WriteAllText($changelog, $text.Insert($heading, "## [$minor] - Unreleased`n`n### Added`n`n- ``ImageListOptions.$($parameter.Substring(0, 1).ToUpperInvariant() + $parameter.Substring(1))`` and ``ImageResponseBase.$member``.`n`n"))
        Write-Host "    version.props $minor, CHANGELOG.md '## [$minor] - Unreleased' (one MINOR above v$release)"
        Complete-Walkthrough $clone 'Walkthrough 1' "$parameter, $property"
        & $lap 'walkthrough 1: the steps, spec-update (nothing remains)'

        # Walkthrough 2: the enum value, as CONTRIBUTING.md's block adds it.
        $spec = [System.IO.File]::ReadAllText($specPath)
        $yaml = Get-WalkthroughYaml 'Walkthrough 2'
        $new = [array]::FindIndex($yaml, [Predicate[string]] { param($l) $l -match '#\s*new\s*$' })
        $value = Get-FreshName $spec ($yaml[$new] -replace '^\s*-\s*(\S+).*$', '$1') { param($n) "- $n`n" }
        $at = Get-InsertionPoint $spec "`n    AsyncOperationState:" "$($yaml[$new - 1].TrimEnd())`n" 'AsyncOperationState'
        [System.IO.File]::WriteAllText($specPath, $spec.Insert($at, "$($yaml[$new] -replace '\s+#.*$', '' -replace '- \S+', "- $value")`n"))
        $text = [System.IO.File]::ReadAllText($changelog)
        $section = $text.IndexOf("## [$minor] - Unreleased", [StringComparison]::Ordinal)
        $end = $text.IndexOf("`n## ", $section + 1, [StringComparison]::Ordinal)
        [System.IO.File]::WriteAllText($changelog, $text.Insert($end, "- ``AsyncOperationState.$value``: the service queues builds before it starts them.`n"))
        Write-Host "    Walkthrough 2: AsyncOperationState.$value, described under $minor"
        Complete-Walkthrough $clone 'Walkthrough 2' "AsyncOperationState.$value"
        & $lap 'walkthrough 2: spec edit, CHANGELOG, spec-update (nothing remains)'

        # The README's test command, on the clone as the walkthroughs left it.
        Invoke-InClone $clone @('test') | Out-Null
        & $lap 'the README''s test command (dotnet pwsh ./build.ps1 test)'
        Write-Host ''
        Write-Host '    walkthroughs: release, Walkthrough 1, Walkthrough 2 and the test command pass on a scratch clone.' -ForegroundColor Green
    }
    finally {
        Write-Host ''
        Write-Host '    walkthroughs steps:'
        foreach ($time in $times) { Write-Host ("      {0,7:N1} s  {1}" -f $time.Seconds, $time.Step) }
        $link = Join-Path $clone 'node_modules'
        if (Test-Path $link) { (Get-Item $link).Delete() }   # the link only, never what it points to
        Remove-Item -Recurse -Force $clone -ErrorAction SilentlyContinue
    }
}
