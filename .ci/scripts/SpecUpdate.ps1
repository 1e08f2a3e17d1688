# build.ps1 spec-update: after an edit of openapi/images.yaml, regenerate and build everything, refresh the public API
# baseline, run both gates and the spec-following tests, and print what the maintainer still has to do, by area
# (spec, facade, emulator, tests, samples, version, CHANGELOG), until nothing remains. Dot-sourced by build.ps1 after
# SpecEvolution.ps1; CONTRIBUTING.md walks through it.

# Where a compiler error sends the maintainer, by the project that reported it.
$SpecUpdateAreas = [ordered]@{
    'src/ImageService.Client.Generators/' = @{ Area = 'facade'; Hint = 'the list-filter generator' }
    'src/ImageService.Client/' = @{ Area = 'facade'; Hint = 'the hand-written facade (ImageServiceClient.cs, ImageListOptions.cs, Customizations/) uses what the spec changed' }
    'src/ImageService.Emulator/' = @{ Area = 'emulator'; Hint = 'the emulator implements the spec: make it accept and honour the change (its controllers are generated from the spec)' }
    'samples/' = @{ Area = 'samples'; Hint = 'a sample uses what the spec changed (the README snippets come from it: build.ps1 snippets)' }
    'tests/' = @{ Area = 'tests'; Hint = 'a test uses what the spec changed' }
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
        if ($Matches.code -in 'RS0016', 'RS0017') { $area = 'baseline'; $hint = 'api-baseline declares it' }
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

# Runs the test projects that follow the spec (the facade's spec coverage, the models against the spec, the emulator
# against the spec) and returns the failed tests as name and first line of the message.
function Invoke-SpecFollowingTests {
    $results = Join-Path $Artifacts 'spec-update-tests'
    if (Test-Path $results) { Remove-Item -Recurse -Force $results }
    $failed = [System.Collections.Generic.List[object]]::new()
    foreach ($project in 'tests/ImageService.Client.Tests', 'tests/ImageService.Emulator.Tests') {
        $arguments = @('test', (Join-Path $Root $project), '--no-build', '-c', $Configuration, '--nologo', '--logger', 'trx', '--results-directory', $results)
        Write-Host "    dotnet $($arguments -join ' ')" -ForegroundColor DarkGray
        & dotnet @arguments 2>&1 | ForEach-Object { "$_" } | Where-Object { $_ -match '(Passed|Failed)!|error' } | ForEach-Object { Write-Host "    | $_" }
    }
    foreach ($trx in Get-ChildItem $results -Filter *.trx -ErrorAction SilentlyContinue) {
        $xml = [xml](Get-Content -LiteralPath $trx.FullName -Raw)
        foreach ($result in @($xml.TestRun.Results.UnitTestResult | Where-Object { $_.outcome -eq 'Failed' })) {
            $message = "$($result.Output.ErrorInfo.Message)".Trim()
            $failed.Add([pscustomobject]@{ Name = $result.testName; Message = $message })
        }
    }
    return , $failed
}

function Invoke-SpecUpdate {
    $steps = [System.Collections.Generic.List[string]]::new()
    $done = [System.Collections.Generic.List[string]]::new()
    function Add-Step([string] $Area, [string] $Text) { if (-not $steps.Contains("[$Area] $Text")) { $steps.Add("[$Area] $Text") } }

    Write-Step 'spec-update 1/5: lint the spec (Spectral)'
    try { Invoke-Target 'lint' }
    catch { Add-Step 'spec' "Spectral finds problems in $SpecFile (output above): fix them." }

    Write-Step 'spec-update 2/5: regenerate and refresh the public API baseline (api-baseline)'
    Invoke-Native dotnet @('restore', $Solution, '--nologo', '-v:quiet')
    $baseline = Update-ApiBaseline
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

    Write-Step 'spec-update 3/5: build the whole solution (emulator, samples, tests)'
    $build = Invoke-SolutionBuild
    $solutionErrors = @($build.Errors | Where-Object { $_.Area -ne 'baseline' -or $baseline.Errors.Count -eq 0 })
    if ($solutionErrors.Count -gt 0) {
        Write-BuildErrors $solutionErrors
        foreach ($e in $solutionErrors) { Add-Step $e.Area "$($e.Text) ($($e.Hint))" }
    }
    elseif ($build.ExitCode -ne 0) { Add-Step 'build' 'The solution does not build (output above).' }
    else { $done.Add('The whole solution builds with warnings as errors.') }

    Write-Step 'spec-update 4/5: the gates (spec-diff, api-diff) against the same base'
    foreach ($gate in 'Invoke-SpecGate', 'Invoke-ApiGate') {
        Write-Host "    $($gate -replace 'Invoke-(\w+)Gate', '$1'):"
        foreach ($failure in (& $gate)) {
            $area = if ($failure -match 'CHANGELOG') { 'changelog' } else { 'version' }
            Write-Host "    ERROR: $failure" -ForegroundColor Red
            Add-Step $area $failure
        }
    }

    Write-Step 'spec-update 5/5: the spec-following tests (facade coverage, models, emulator)'
    if ($build.ExitCode -ne 0) { Add-Step 'tests' 'Not run: the solution must build first; spec-update runs them then.' }
    else {
        $failed = Invoke-SpecFollowingTests
        foreach ($test in $failed) {
            $area = if ($test.Name -match 'SpecCoverage') { 'facade' } elseif ($test.Name -match 'Emulator') { 'emulator' } else { 'tests' }
            Add-Step $area "$($test.Name) fails: $(($test.Message -split "`n")[0..([math]::Min(6, ($test.Message -split "`n").Count - 1))] -join ' / ')"
        }
        if ($failed.Count -eq 0) { $done.Add('The spec-following tests pass (ImageService.Client.Tests, ImageService.Emulator.Tests).') }
    }

    Write-Host ""
    foreach ($line in $done) { Write-Host "    done: $line" -ForegroundColor Green }
    if ($steps.Count -eq 0) {
        Write-Host ""
        Write-Host '    Nothing remains for this spec change. Commit the spec, PublicAPI.Unshipped.txt, version.props and CHANGELOG.md together;' -ForegroundColor Green
        Write-Host '    CI runs the whole suite (dotnet pwsh ./build.ps1 test), which you can run first.' -ForegroundColor Green
        return
    }
    Write-Host ""
    Write-Host "    Remaining steps ($($steps.Count)); CONTRIBUTING.md, 'When the spec changes', shows each kind. Rerun spec-update after them:" -ForegroundColor Yellow
    $i = 0
    foreach ($step in $steps) { $i++; Write-Host ("    {0,2}. {1}" -f $i, $step) -ForegroundColor Yellow }
    throw "spec-update: $($steps.Count) step(s) remain (listed above)."
}
