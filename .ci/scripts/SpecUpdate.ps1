# build.ps1 spec-update: after an edit of openapi/images.yaml, regenerate and build everything (incrementally), refresh
# the public API baseline, run both gates and every suite that reads the spec (plus the README snippets, the quickstart
# and the benchmark peers), and print what the maintainer still has to do, by area (spec, facade, emulator, tests,
# samples, peers, version, CHANGELOG), until nothing remains; then the time of each step. Dot-sourced by build.ps1 after
# SpecEvolution.ps1; CONTRIBUTING.md walks through it.

# Where a compiler error sends the maintainer, by the project that reported it.
$SpecUpdateAreas = [ordered]@{
    'src/ImageService.Client.Generators/' = @{ Area = 'facade'; Hint = 'the list-filter generator' }
    'src/ImageService.Client/' = @{ Area = 'facade'; Hint = 'the hand-written facade (ImageServiceClient.cs, ImageListOptions.cs, Customizations/) uses what the spec changed' }
    'src/ImageService.Emulator/' = @{ Area = 'emulator'; Hint = 'the emulator implements the spec: make it accept and honour the change (its controllers are generated from the spec)' }
    'samples/' = @{ Area = 'samples'; Hint = 'a sample uses what the spec changed (the README snippets come from it: build.ps1 snippets)' }
    'tests/ImageService.Benchmarks/' = @{ Area = 'peers'; Hint = 'a benchmark peer (a stock client generated from the spec, called as its users would) uses what the spec changed: update its call as they would' }
    'tests/' = @{ Area = 'tests'; Hint = 'a test uses what the spec changed' }
}

# The area of a gate's failure: the CHANGELOG's own failures start with its name; every other one is about the version.
function Get-GateFailureArea([string] $Failure) {
    if ($Failure -match '^CHANGELOG\.md ') { return 'changelog' }
    return 'version'
}

# The distinct compiler errors of a build's output, each with the area and the file (relative to the repository).
function Get-BuildErrors([string[]] $Output) {
    $seen = [System.Collections.Generic.HashSet[string]]::new()
    $errors = [System.Collections.Generic.List[object]]::new()
    $prefix = $Root.TrimEnd('/', '\') + [System.IO.Path]::DirectorySeparatorChar
    foreach ($line in $Output) {
        if ($line -notmatch '^\s*(?<file>[^\s].*?)(?:\((?<line>\d+)(?:,\d+)*\))?\s*:\s+error\s+(?<code>[A-Za-z]+\d+)\s*:\s*(?<message>.*?)(?:\s+\[(?<project>[^\]]+?)(?:::[^\]]*)?\])?\s*$') { continue }
        $file = $Matches.file.Replace('\', '/'); $project = "$($Matches['project'])".Replace('\', '/')
        $rootPrefix = $prefix.Replace('\', '/')
        if ($file.StartsWith($rootPrefix)) { $file = $file.Substring($rootPrefix.Length) }
        if ($project.StartsWith($rootPrefix)) { $project = $project.Substring($rootPrefix.Length) }
        $key = "$file|$($Matches['line'])|$($Matches.code)|$($Matches.message)"
        if (-not $seen.Add($key)) { continue }   # the same error once per target framework
        $where = if ($project) { $project } else { $file }
        $area = 'build'; $hint = 'fix the build'
        foreach ($entry in $SpecUpdateAreas.GetEnumerator()) {
            if ($where.StartsWith($entry.Key) -or $file.StartsWith($entry.Key)) { $area = $entry.Value.Area; $hint = $entry.Value.Hint; break }
        }
        if ($Matches.code -in 'RS0016', 'RS0017') { $area = 'baseline'; $hint = 'rerun spec-update (or api-baseline), which declares it' }
        if ($Matches.code -eq 'MSB3073' -and [regex]::IsMatch($Matches.message, 'nswag', 'IgnoreCase')) {
            $area = 'spec'; $hint = 'NSwag could not generate code from the spec: the [spec] step (Spectral) says why when a house rule knows the case, else the NSwag output above does'
        }
        $errors.Add([pscustomobject]@{
                Area = $area; File = $file; Line = $Matches['line']; Code = $Matches.code; Message = $Matches.message; Project = $project; Hint = $hint
                Text = "$file$(if ($Matches['line']) { "($($Matches['line']))" }): $($Matches.code) $($Matches.message)"
            })
    }
    return , $errors
}

# Builds the whole solution (warnings as errors, as CI); returns the exit code and the errors, never throws on red.
function Invoke-SolutionBuild {
    $arguments = @('build', $Solution, '--no-restore', '-c', $Configuration, '-warnaserror', '-p:TreatWarningsAsErrors=true', '-nologo', '-v:minimal')
    Write-Host "    dotnet $($arguments -join ' ')" -ForegroundColor DarkGray
    $output = @(& dotnet @arguments 2>&1 | ForEach-Object { "$_" })
    $code = $LASTEXITCODE
    $errors = Get-BuildErrors $output
    if ($code -ne 0 -and $errors.Count -eq 0) { $output | Select-Object -Last 30 | ForEach-Object { Write-Host "    | $_" } }
    return [pscustomobject]@{ ExitCode = $code; Errors = $errors }
}

# Prints the build's errors grouped by area, each area with what to do.
function Write-BuildErrors([object[]] $Errors) {
    foreach ($group in ($Errors | Group-Object Area)) {
        Write-Host "    [$($group.Name)] $($group.Group[0].Hint):" -ForegroundColor Red
        foreach ($e in $group.Group) { Write-Host "      $($e.Text)" -ForegroundColor Red }
    }
}

# The suites that read the spec (directly, or through the generated client, emulator or peers), each with the tests of
# its project that do: spec-update runs them all and says "Nothing remains" only when they pass.
$SpecSuites = @(
    @{ Name = 'ImageService.Client.Tests'; Filter = ''; What = 'the facade''s spec coverage, the models against the spec' }
    @{ Name = 'ImageService.Emulator.Tests'; Filter = ''; What = 'the emulator against the spec' }
    @{ Name = 'ImageService.Client.IntegrationTests'; Filter = 'FullyQualifiedName~.Contract.|FullyQualifiedName~.Hostile.'; What = 'the Prism contract tests and the hostile-server tests (paths from the spec)' }
    @{ Name = 'ImageService.SpecEvolution.Tests'; Filter = 'FullyQualifiedName!~.SpecDiff&FullyQualifiedName!~.ApiDiffTests&FullyQualifiedName!~.SpecUpdateTests'; What = 'the workflow''s self-tests on scratch copies of the spec, version and CHANGELOG (not the fixture-only ones)' }
)

# What the suites read besides their build output: a change here reruns every suite, a change of code only the suites
# whose build output changed.
$SpecSuiteInputs = @($SpecFile, 'version.props', 'CHANGELOG.md', 'README.md', $ApiShippedFile, $ApiUnshippedFile, 'build.ps1', 'optic.yml', '.spectral.yaml', 'package-lock.json')

# A fingerprint of what a suite's result depends on: the content of its build output and of the inputs above. Content,
# not times: a build that recompiles to the same bytes (the client after spec-update touches its API file, say)
# copies new times into every test project's output without changing what the tests run.
function Get-SuiteFingerprint([string] $Project) {
    $builder = [System.Text.StringBuilder]::new()
    $output = Join-Path $Root "tests/$Project/bin/$Configuration"
    $files = @(Get-ChildItem $output -Recurse -File -ErrorAction SilentlyContinue | ForEach-Object FullName) +
        @($SpecSuiteInputs | ForEach-Object { Join-Path $Root $_ } | Where-Object { Test-Path $_ }) +
        @(Get-ChildItem (Join-Path $Root '.ci/scripts') -Recurse -File | ForEach-Object FullName)
    foreach ($path in $files | Sort-Object) {
        [void] $builder.Append("$path|$([System.Convert]::ToHexString([System.Security.Cryptography.SHA256]::HashData([System.IO.File]::ReadAllBytes($path))))`n")
    }
    $bytes = [System.Text.Encoding]::UTF8.GetBytes($builder.ToString())
    return [System.Convert]::ToHexString([System.Security.Cryptography.SHA256]::HashData($bytes))
}

# Runs the spec-reading suites side by side (TestRun.ps1: a line when each starts and finishes, progress every 30 s)
# and returns their failed tests as name and first line of the message. A suite that passed before with the same
# fingerprint (same build output, same spec, version, CHANGELOG, scripts) is not run again: a rerun after a hand edit
# tests what the edit changed.
function Invoke-SpecFollowingTests {
    $results = Join-Path $Artifacts 'spec-update-tests'
    $stamps = Join-Path $Artifacts 'spec-update-passed'
    New-Item -ItemType Directory -Force $stamps | Out-Null
    $failed = [System.Collections.Generic.List[object]]::new()
    $runs = [System.Collections.Generic.List[object]]::new()
    $fingerprints = @{}
    foreach ($suite in $SpecSuites) {
        $stamp = Join-Path $stamps "$($suite.Name).txt"
        $fingerprint = Get-SuiteFingerprint $suite.Name
        if ((Test-Path $stamp) -and (Get-Content -LiteralPath $stamp -Raw).Trim() -eq $fingerprint) {
            Write-Host "    $($suite.Name): passed before with this build and these inputs; not run again."
            continue
        }
        Remove-Item -LiteralPath $stamp -ErrorAction SilentlyContinue
        $fingerprints[$suite.Name] = $fingerprint
        Write-Host "    $($suite.Name): $($suite.What)"
        $runs.Add([pscustomobject]@{ Project = "tests/$($suite.Name)/$($suite.Name).csproj"; Filter = $suite.Filter })
    }
    if ($runs.Count -eq 0) { return , $failed }
    foreach ($result in (Invoke-TestProjects $runs $results (Join-Path $Artifacts 'spec-update-times.json'))) {
        foreach ($test in $result.FailedTests) { $failed.Add($test) }
        if ($result.ExitCode -eq 0 -and $result.FailedTests.Count -eq 0) {
            [System.IO.File]::WriteAllText((Join-Path $stamps "$($result.Name).txt"), $fingerprints[$result.Name])
        }
    }
    return , $failed
}

# Where a type a request sends is built (with or without an object initializer), and whether
# the initializer sets the member: the samples, the tests and the client's own code that must set a newly required
# request property. Returns file, line and whether it is set.
function Find-RequestConstructions([string] $Type, [string] $Member) {
    $sites = [System.Collections.Generic.List[object]]::new()
    $files = Invoke-Git @('ls-files', '--', 'samples/*.cs', 'src/*.cs', 'tests/*.cs') -AllowFailure
    foreach ($relative in $files) {
        $path = Join-Path $Root $relative
        if (-not (Test-Path $path)) { continue }
        $text = [System.IO.File]::ReadAllText($path)
        # 'new DockerImageRequest { ... }', and the target-typed 'DockerImageRequest Request() => new() { ... }'.
        $type = [regex]::Escape($Type)
        $pattern = "new\s+(?:[\w.]+\.)?$type\b(\s*\(\s*\))?|\b$type\b[^;{}]*?(?:=>|=)\s*new\s*\(\s*\)"
        foreach ($match in [regex]::Matches($text, $pattern)) {
            # The initializer: the braces after the constructor call, if any, up to their match.
            $at = $match.Index + $match.Length
            while ($at -lt $text.Length -and [char]::IsWhiteSpace($text[$at])) { $at++ }
            $body = ''
            if ($at -lt $text.Length -and $text[$at] -eq '{') {
                $depth = 0; $end = $at
                for (; $end -lt $text.Length; $end++) {
                    if ($text[$end] -eq '{') { $depth++ } elseif ($text[$end] -eq '}') { $depth--; if ($depth -eq 0) { break } }
                }
                $body = $text.Substring($at, $end - $at)
            }
            $line = ($text.Substring(0, $match.Index) -split "`n").Count
            $sites.Add([pscustomobject]@{ File = $relative; Line = $line; Sets = $body -match "\b$([regex]::Escape($Member))\s*=" })
        }
    }
    return , $sites
}

# A property a request must now carry reaches callers only if the code that builds requests sets it: the remaining
# steps name every place that builds one without it (the samples, and so the README's snippets; the tests; the client).
function Get-RequiredPropertySteps([object[]] $Required) {
    $steps = [System.Collections.Generic.List[object]]::new()
    foreach ($property in $Required) {
        $what = "$($property.type).$($property.member)"
        $sites = Find-RequestConstructions $property.type $property.member
        foreach ($site in @($sites | Where-Object { -not $_.Sets })) {
            $area = if ($site.File -like 'samples/*') { 'samples' } elseif ($site.File -like 'tests/*') { 'tests' } else { 'facade' }
            $readme = if ($area -eq 'samples') { ' (the README''s snippet comes from it: then dotnet pwsh ./build.ps1 snippets)' } else { '' }
            $steps.Add([pscustomobject]@{ Area = $area; Text = "$($site.File)($($site.Line)) builds a $($property.type) without $($property.member), which $SpecFile now requires ('$($property.property)'): the service rejects such a request. Set it$readme." })
        }
        $customization = "src/ImageService.Client/Customizations/$($property.type).cs"
        if ((Test-Path (Join-Path $Root $customization)) -and -not ((Get-Content (Join-Path $Root $customization) -Raw) -match "\b$([regex]::Escape($property.member))\b")) {
            $steps.Add([pscustomobject]@{ Area = 'facade'; Text = "$customization documents how to build a $($property.type) and does not name $($property.member), which a request must now set: say so in its constructor's documentation (or give it a default there)." })
        }
        Write-Host "    $what is now required in requests: $(@($steps).Count) place(s) to update."
    }
    return , $steps
}

function Invoke-SpecUpdate {
    $steps = [System.Collections.Generic.List[string]]::new()
    $done = [System.Collections.Generic.List[string]]::new()
    $times = [System.Collections.Generic.List[object]]::new()
    function Add-Step([string] $Area, [string] $Text) { if (-not $steps.Contains("[$Area] $Text")) { $steps.Add("[$Area] $Text") } }
    function Measure-Step([string] $Title, [scriptblock] $Body) {
        Write-Step "spec-update $($times.Count + 1)/7: $Title"
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        try { . $Body } finally { $times.Add([pscustomobject]@{ Step = $Title; Seconds = [math]::Round($watch.Elapsed.TotalSeconds, 1) }) }
    }

    Measure-Step 'lint the spec (Spectral)' {
        try { Invoke-Target 'lint' }
        catch { Add-Step 'spec' "Spectral finds problems in $SpecFile (output above; each rule says what to do): fix them." }
    }

    Measure-Step 'regenerate and refresh the public API baseline (api-baseline)' {
        if (Test-RestoreNeeded) { Invoke-Native dotnet @('restore', $Solution, '--nologo', '-v:quiet') }
        else { Write-Host '    every project is restored and unchanged since: restore skipped.' }
        $script:baseline = Update-ApiBaseline -VerifyByTheSolutionBuild
        if ($baseline.Errors.Count -gt 0) {
            $clientErrors = Get-BuildErrors $baseline.Errors
            Write-BuildErrors $clientErrors
            foreach ($e in $clientErrors) { Add-Step $e.Area "$($e.Text) ($($e.Hint))" }
            if ($clientErrors.Count -eq 0) { Add-Step 'facade' 'The client does not build (output above): fix it, then rerun spec-update.' }
            Add-Step 'baseline' "PublicAPI.Unshipped.txt is left alone while the client has errors: rerun spec-update once they are fixed."
        }
        elseif ($baseline.Added.Count -or $baseline.Removed.Count) {
            $done.Add("$ApiUnshippedFile rewritten: $($baseline.Added.Count) symbol(s) added, $($baseline.Removed.Count) removed. Review the diff and commit it with the spec.")
        }
        else { $done.Add("$ApiUnshippedFile already declares exactly the public API.") }
    }

    Measure-Step 'build the whole solution, incrementally (emulator, samples, tests, benchmark peers)' {
        $script:build = Invoke-SolutionBuild
        $solutionErrors = @($build.Errors | Where-Object { $_.Area -ne 'baseline' -or $baseline.Errors.Count -eq 0 })
        if ($solutionErrors.Count -gt 0) {
            Write-BuildErrors $solutionErrors
            foreach ($e in $solutionErrors) { Add-Step $e.Area "$($e.Text) ($($e.Hint))" }
        }
        elseif ($build.ExitCode -ne 0) { Add-Step 'build' 'The solution does not build (output above).' }
        else { $done.Add('The whole solution builds with warnings as errors.') }
    }

    Measure-Step 'the gates (spec-diff, api-diff) against the same base' {
        foreach ($gate in 'Invoke-SpecGate', 'Invoke-ApiGate') {
            Write-Host "    $($gate -replace 'Invoke-(\w+)Gate', '$1'):"
            foreach ($failure in (& $gate)) {
                Write-Host "    ERROR: $failure" -ForegroundColor Red
                Add-Step (Get-GateFailureArea $failure) $failure
            }
        }
    }

    Measure-Step 'what builds a request: every place that must set a newly required property' {
        $required = Get-NewRequiredRequestProperties (Resolve-BaseRef)
        if ($required.Count -eq 0) { Write-Host '    no request property became required since the base.' }
        foreach ($step in (Get-RequiredPropertySteps $required)) { Add-Step $step.Area $step.Text }
    }

    Measure-Step 'the README snippets, the quickstart and the benchmark peers' {
        try { Update-ReadmeSnippets $Root -Check | Out-Host }
        catch { Add-Step 'samples' "$($_.Exception.Message) Run dotnet pwsh ./build.ps1 snippets to copy the samples' code into README.md." }
        if ($build.ExitCode -ne 0) { Write-Host '    the quickstart and the benchmark peers wait for the solution to build.' }
        else {
            try { & $Targets['quickstart'].Action | Out-Host }
            catch { Add-Step 'samples' "samples/Quickstart fails against the emulator: $($_.Exception.Message) (dotnet run --project samples/Quickstart -c $Configuration shows it)." }
            $peers = @('run', '--project', (Join-Path $Root 'tests/ImageService.Benchmarks'), '-c', 'Release', '--no-build', '--', '--repo', $Root, '--peers-only', '--smoke')
            Write-Host "    dotnet $($peers -join ' ')" -ForegroundColor DarkGray
            $output = @(& dotnet @peers 2>&1 | ForEach-Object { "$_" })
            if ($LASTEXITCODE -ne 0) {
                $output | Select-Object -Last 15 | ForEach-Object { Write-Host "    | $_" }
                Add-Step 'peers' "The benchmark peers disagree or fail on the spec's answers (output above; dotnet $($peers -join ' ')): each peer is a stock client of the spec, update its call or its check in tests/ImageService.Benchmarks/Peers."
            }
            else { $done.Add('The README snippets match the samples; the quickstart and every benchmark peer run against the spec.') }
        }
    }

    Measure-Step 'the suites that read the spec' {
        if ($build.ExitCode -ne 0) { Add-Step 'tests' 'Not run: the solution must build first; spec-update runs these suites, the quickstart and the benchmark peers then.' }
        else {
            $failed = Invoke-SpecFollowingTests
            foreach ($test in $failed) {
                $area = if ($test.Name -match 'SpecCoverage') { 'facade' } elseif ($test.Name -match 'Emulator') { 'emulator' } else { 'tests' }
                Add-Step $area "$($test.Name) fails: $(($test.Message -split "`n")[0..([math]::Min(6, ($test.Message -split "`n").Count - 1))] -join ' / ')"
            }
            if ($failed.Count -eq 0) { $done.Add("The suites that read the spec pass ($(($SpecSuites | ForEach-Object Name) -join ', ')).") }
        }
    }

    Write-Host ""
    foreach ($line in $done) { Write-Host "    done: $line" -ForegroundColor Green }
    Write-Host ""
    Write-Host '    spec-update steps:'
    foreach ($time in $times) { Write-Host ("      {0,7:N1} s  {1}" -f $time.Seconds, $time.Step) }
    if ($steps.Count -eq 0) {
        Write-Host ""
        Write-Host '    Nothing remains for this spec change. Commit the spec, PublicAPI.Unshipped.txt, version.props and CHANGELOG.md together;' -ForegroundColor Green
        Write-Host '    CI (.ci/run) runs the whole suite and the gates again: dotnet pwsh ./build.ps1 test runs the same suite here.' -ForegroundColor Green
        return
    }
    Write-Host ""
    Write-Host "    Remaining steps ($($steps.Count)); CONTRIBUTING.md, 'When the spec changes', shows each kind. Rerun spec-update after them:" -ForegroundColor Yellow
    $i = 0
    foreach ($step in $steps) { $i++; Write-Host ("    {0,2}. {1}" -f $i, $step) -ForegroundColor Yellow }
    throw "spec-update: $($steps.Count) step(s) remain (listed above)."
}
