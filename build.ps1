#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds, lints, tests and packs the ImageService SDK.
.DESCRIPTION
    Run through the repo's local PowerShell tool, so nothing beyond the .NET SDK and Node.js is needed:
        dotnet tool restore
        dotnet pwsh ./build.ps1 [target ...]
    With no target it runs restore, lint, build, test and pack. Every step stops the script with a non-zero exit
    code on failure. Warnings are errors here, as in CI.
.PARAMETER Target
    restore  dotnet restore and npm ci (Spectral, Prism, Optic)
    lint     Spectral on openapi/images.yaml (zero errors, zero warnings)
    build    Client.sln in Release, warnings as errors (regenerates the client when the spec changed)
    test     restore, lint, build, then every test project
    figures  print the reliability figures of the last test run (artifacts/figures) and write FIGURES.md
    pack     the NuGet package of src/ImageService.Client into artifacts/packages
    bench        the BenchmarkDotNet suite (tests/ImageService.Benchmarks, Release): SDK against the floor and the
                 peers (Refit, stock NSwag, Kiota, Azure.Core), in process, then the peer comparison again in a child
                 pinned to one core (taskset -c 0); writes tests/ImageService.Benchmarks/RESULTS.md (about 20 minutes)
    bench-smoke  the same suite, one dry invocation each, every peer checked and run a few times on two cores and on
                 one, no build timing (CI; fails when a benchmark throws or a peer returns a different image)
    spec-diff        Optic breaking-change check of openapi/images.yaml against the base (see -Base); fails on a breaking
                     change unless version.props bumps MAJOR, and when CHANGELOG.md has no entry for the version
    spec-diff-files  the same classifier on two files: -Old <spec> -New <spec> (fails on a breaking change)
    api-diff         what changed in the public C# surface (PublicAPI.*.txt) since the base, grouped by type; fails
                     on a removed or changed symbol unless version.props bumps MAJOR
    api-diff-files   the same comparison of two PublicAPI files or folders: -Old <path> -New <path>
    api-baseline     rewrite PublicAPI.Unshipped.txt from the build's RS0016/RS0017 diagnostics
.PARAMETER Configuration
    Release (default) or Debug.
.PARAMETER Base
    The git ref spec-diff and api-diff compare with. Default: the newest release tag (v*), else the merge base with
    origin/main when HEAD is ahead of it, else HEAD when the compared files have uncommitted changes, else the parent
    of the last commit that changed them (no such commit: nothing to compare, the gate passes).
.PARAMETER Old
    spec-diff-files / api-diff-files: the file (or PublicAPI folder) before the change.
.PARAMETER New
    spec-diff-files / api-diff-files: the file (or PublicAPI folder) after the change.
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0, ValueFromRemainingArguments = $true)]
    [string[]] $Target = @(),
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',
    [string] $Base = '',
    [string] $Old = '',
    [string] $New = ''
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$PSNativeCommandUseErrorActionPreference = $false
$Root = $PSScriptRoot
$Solution = Join-Path $Root 'Client.sln'
$Artifacts = Join-Path $Root 'artifacts'
$script:Completed = [System.Collections.Generic.HashSet[string]]::new()
$script:Timings = [System.Collections.Generic.List[object]]::new()
$script:TestSummary = $null

function Write-Step([string] $Message) {
    Write-Host ""
    Write-Host "==> $Message" -ForegroundColor Cyan
}

function Invoke-Native {
    param([Parameter(Mandatory)] [string] $Command, [string[]] $Arguments = @())
    Write-Host "    $Command $($Arguments -join ' ')" -ForegroundColor DarkGray
    & $Command @Arguments
    if ($LASTEXITCODE -ne 0) {
        throw "'$Command $($Arguments -join ' ')' failed with exit code $LASTEXITCODE."
    }
}

function Write-TestSummary([string] $ResultsDirectory) {
    $passed = 0; $failed = 0; $skipped = 0
    foreach ($trx in Get-ChildItem $ResultsDirectory -Filter *.trx -ErrorAction SilentlyContinue) {
        $counters = ([xml](Get-Content -LiteralPath $trx.FullName -Raw)).TestRun.ResultSummary.Counters
        $passed += [int]$counters.passed
        $failed += [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
        $skipped += [int]$counters.notExecuted
    }
    $script:TestSummary = "Tests: $passed passed, $failed failed, $skipped skipped"
    [System.IO.File]::WriteAllText((Join-Path $Artifacts 'test-summary.txt'), "$script:TestSummary`n")
}

function Invoke-Benchmarks([string[]] $Arguments) {
    # Always Release: BenchmarkDotNet refuses non-optimized code. The suite runs in process (no per-benchmark builds).
    $project = Join-Path $Root 'tests/ImageService.Benchmarks/ImageService.Benchmarks.csproj'
    Invoke-Native dotnet @('build', $project, '-c', 'Release', '-nologo', '-v:minimal')
    Invoke-Native dotnet (@('run', '--project', $project, '-c', 'Release', '--no-build', '--', '--repo', $Root) + $Arguments)
}

function Write-Figures([string] $FiguresDirectory) {
    # The reliability figures the integration suites leave in artifacts/figures/<suite>.json, as one table.
    $files = Get-ChildItem $FiguresDirectory -Filter *.json -ErrorAction SilentlyContinue | Sort-Object Name
    if (-not $files) { return }
    $lines = [System.Collections.Generic.List[string]]::new()
    $lines.Add('| Suite | Figure | Value |')
    $lines.Add('|---|---|---|')
    foreach ($file in $files) {
        $figures = Get-Content -LiteralPath $file.FullName -Raw | ConvertFrom-Json
        foreach ($property in $figures.PSObject.Properties | Where-Object Name -ne 'updated') {
            $lines.Add("| $($file.BaseName) | $($property.Name) | $($property.Value) |")
        }
    }
    $table = $lines -join "`n"
    [System.IO.File]::WriteAllText((Join-Path $FiguresDirectory 'FIGURES.md'), "# Reliability figures`n`n$table`n")
    Write-Host ""
    Write-Host "Reliability figures (artifacts/figures/FIGURES.md):"
    $lines | ForEach-Object { Write-Host "  $_" }
}

function Invoke-Target([string] $Name) {
    if ($script:Completed.Contains($Name)) { return }
    $definition = $Targets[$Name]
    if ($null -eq $definition) {
        throw "Unknown target '$Name'. Known targets: $($Targets.Keys -join ', ')."
    }
    foreach ($dependency in $definition.DependsOn) { Invoke-Target $dependency }
    Write-Step "$Name - $($definition.Description)"
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    & $definition.Action
    $watch.Stop()
    $script:Timings.Add([pscustomobject]@{ Target = $Name; Seconds = [math]::Round($watch.Elapsed.TotalSeconds, 1) })
    [void] $script:Completed.Add($Name)
}

# README snippets taken from the compiled samples.
. (Join-Path $PSScriptRoot '.ci/scripts/Snippets.ps1')

# spec-diff, api-diff and api-baseline helpers (Optic report parsing, PublicAPI comparison, the versioning rule).
. (Join-Path $PSScriptRoot '.ci/scripts/SpecEvolution.ps1')

$Targets = [ordered]@{
    restore = @{
        Description = 'restore .NET and npm dependencies'
        DependsOn = @()
        Action = {
            Invoke-Native dotnet @('restore', $Solution)
            Push-Location $Root
            try { Invoke-Native npm @('ci', '--no-audit', '--no-fund', '--loglevel=error') } finally { Pop-Location }
        }
    }
    lint = @{
        Description = 'lint openapi/images.yaml with Spectral'
        DependsOn = @('restore')
        Action = {
            Push-Location $Root
            try { Invoke-Native npx @('--no-install', 'spectral', 'lint', 'openapi/images.yaml', '--fail-severity=warn') } finally { Pop-Location }
        }
    }
    build = @{
        Description = "build Client.sln ($Configuration, warnings as errors)"
        DependsOn = @('restore')
        Action = {
            Invoke-Native dotnet @('build', $Solution, '--no-restore', '-c', $Configuration, '-warnaserror', '-p:TreatWarningsAsErrors=true', '-nologo')
        }
    }
    'generation-check' = @{
        Description = 'prove the NSwag step is incremental: no rerun without a change, a rerun after touching the spec'
        DependsOn = @('build')
        Action = {
            $project = Join-Path $Root 'src/ImageService.Client/ImageService.Client.csproj'
            $generated = Join-Path $Root "src/ImageService.Client/obj/$Configuration/net10.0/Generated/ImageServiceRestClient.g.cs"
            $before = (Get-Item $generated).LastWriteTimeUtc
            $quiet = dotnet build $project --no-restore -c $Configuration -f net10.0 -nologo -v:minimal
            if ($LASTEXITCODE -ne 0) { $quiet | Write-Host; throw 'The no-change build failed.' }
            if ((Get-Item $generated).LastWriteTimeUtc -ne $before) { throw 'A build with no spec change rewrote the generated client.' }
            Write-Host '    no change: generated client untouched'
            (Get-Item (Join-Path $Root 'openapi/images.yaml')).LastWriteTimeUtc = [DateTime]::UtcNow
            $quiet = dotnet build $project --no-restore -c $Configuration -f net10.0 -nologo -v:minimal
            if ($LASTEXITCODE -ne 0) { $quiet | Write-Host; throw 'The build after touching the spec failed.' }
            if ((Get-Item $generated).LastWriteTimeUtc -le $before) { throw 'Touching openapi/images.yaml did not regenerate the client.' }
            Write-Host '    spec touched: generated client regenerated'
        }
    }
    snippets = @{
        Description = 'copy the #region Snippet:* blocks of samples/ into README.md'
        DependsOn = @()
        Action = { Update-ReadmeSnippets $Root }
    }
    'snippets-check' = @{
        Description = 'fail when README.md code differs from the compiled samples'
        DependsOn = @()
        Action = { Update-ReadmeSnippets $Root -Check }
    }
    quickstart = @{
        Description = 'run samples/Quickstart against the embedded emulator and check every lifecycle step'
        DependsOn = @('build')
        Action = {
            $project = Join-Path $Root 'samples/Quickstart/Quickstart.csproj'
            Write-Host "    dotnet run --project samples/Quickstart -c $Configuration --no-build" -ForegroundColor DarkGray
            $output = & dotnet run --project $project -c $Configuration --no-build 2>&1 | ForEach-Object { "$_" }
            $exit = $LASTEXITCODE
            $output | ForEach-Object { Write-Host "    | $_" }
            if ($exit -ne 0) { throw "The quickstart exited with code $exit." }
            $missing = @('[create]', '[list]', '[update]', '[get]', '[delete]', 'Quickstart complete') |
                Where-Object { $step = $_; -not ($output | Where-Object { $_.Contains($step) }) }
            if ($missing) { throw "The quickstart did not print: $($missing -join ', ')." }
            if (-not ($output | Where-Object { $_ -match 'operation \S+: Succeeded' })) { throw 'The quickstart showed no build progress.' }
            Write-Host '    quickstart: every lifecycle step printed'
        }
    }
    test = @{
        Description = 'run every test project'
        DependsOn = @('restore', 'lint', 'build', 'generation-check', 'snippets-check', 'quickstart')
        Action = {
            $results = Join-Path $Artifacts 'test-results'
            $figures = Join-Path $Artifacts 'figures'
            foreach ($stale in @($results, $figures)) { if (Test-Path $stale) { Remove-Item -Recurse -Force $stale } }
            $failure = $null
            try {
                Invoke-Native dotnet @('test', $Solution, '--no-build', '-c', $Configuration, '--nologo',
                    '--logger', 'console;verbosity=minimal', '--logger', 'trx', '--results-directory', $results)
            }
            catch { $failure = $_ }
            Write-Figures $figures
            Write-TestSummary $results
            if ($failure) { throw $failure }
        }
    }
    figures = @{
        Description = 'print the reliability figures of the last test run (artifacts/figures/*.json) and write FIGURES.md'
        DependsOn = @()
        Action = { Write-Figures (Join-Path $Artifacts 'figures') }
    }
    pack = @{
        Description = 'pack src/ImageService.Client'
        DependsOn = @('restore', 'build')
        Action = {
            Invoke-Native dotnet @('pack', (Join-Path $Root 'src/ImageService.Client/ImageService.Client.csproj'), '--no-build', '-c', $Configuration,
                '-o', (Join-Path $Artifacts 'packages'), '-nologo')
        }
    }
    bench = @{
        Description = 'run the benchmarks (two cores, then the peers on one core) and write tests/ImageService.Benchmarks/RESULTS.md'
        DependsOn = @()
        Action = { Invoke-Benchmarks @('--results', (Join-Path $Root 'tests/ImageService.Benchmarks/RESULTS.md')) }
    }
    'bench-smoke' = @{
        Description = 'run every benchmark and every peer once (dry job) to prove the suite runs and the peers agree'
        DependsOn = @()
        Action = { Invoke-Benchmarks @('--smoke') }
    }
    'spec-diff' = @{
        Description = 'breaking-change gate: Optic on openapi/images.yaml against the base, versioning rule, changelog'
        DependsOn = @()
        Action = {
            $baseInfo = Resolve-BaseRef @($SpecFile)
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
            $breaking = @($changes | Where-Object { $_.Rules.Count -gt 0 }).Count
            $failures = Test-VersionRule -Gate 'spec' -Breaking $breaking -Additive ($changes.Count - $breaking) -BaseInfo $baseInfo -Current (Get-CurrentVersion)
            Assert-NoFailures 'spec-diff' $failures
        }
    }
    'spec-diff-files' = @{
        Description = 'the spec-diff classifier on two files (-Old <spec> -New <spec>); fails on a breaking change'
        DependsOn = @()
        Action = {
            if (-not $Old -or -not $New) { throw 'spec-diff-files needs -Old <spec> and -New <spec>.' }
            $changes = Get-SpecChanges (Resolve-Path $Old).Path (Resolve-Path $New).Path
            $breaking = @($changes | Where-Object { $_.Rules.Count -gt 0 }).Count
            if ($breaking -gt 0) { throw "spec-diff-files: $breaking breaking change(s)." }
            Write-Host '    spec-diff-files: no breaking change.' -ForegroundColor Green
        }
    }
    'api-diff' = @{
        Description = 'public API gate: what changed in PublicAPI.*.txt since the base, versioning rule, changelog'
        DependsOn = @()
        Action = {
            $baseInfo = Resolve-BaseRef @($ApiShippedFile, $ApiUnshippedFile)
            Write-Host "    base: $($baseInfo.Reason)"
            $breaking = 0; $additive = 0
            if (-not $baseInfo.Ref) { Write-Host '    nothing to compare the public API with: no API change to check.' }
            else {
                $oldSurface = Get-ApiSurface (Get-FileAtRef $baseInfo.Ref $ApiShippedFile) (Get-FileAtRef $baseInfo.Ref $ApiUnshippedFile)
                $newSurface = Read-ApiPath (Join-Path $Root 'src/ImageService.Client')
                $entries = Compare-ApiSurface $oldSurface $newSurface
                $breaking = Write-ApiChanges $entries
                $additive = $entries.Count - $breaking
            }
            $failures = Test-VersionRule -Gate 'public API' -Breaking $breaking -Additive $additive -BaseInfo $baseInfo -Current (Get-CurrentVersion)
            Assert-NoFailures 'api-diff' $failures
        }
    }
    'api-diff-files' = @{
        Description = 'the api-diff comparison of two PublicAPI files or folders (-Old <path> -New <path>)'
        DependsOn = @()
        Action = {
            if (-not $Old -or -not $New) { throw 'api-diff-files needs -Old <path> and -New <path>.' }
            $breaking = Write-ApiChanges (Compare-ApiSurface (Read-ApiPath $Old) (Read-ApiPath $New))
            if ($breaking -gt 0) { throw "api-diff-files: $breaking removed or changed public symbol(s)." }
        }
    }
    'api-baseline' = @{
        Description = 'rewrite PublicAPI.Unshipped.txt from the RS0016/RS0017 diagnostics of a -warnaserror build'
        DependsOn = @()
        Action = {
            $unshipped = Join-Path $Root $ApiUnshippedFile
            $shipped = @(Get-Content (Join-Path $Root $ApiShippedFile))
            for ($round = 1; $round -le 3; $round++) {
                $diagnostics = Get-PublicApiDiagnostics
                if ($diagnostics.Other.Count -gt 0) {
                    $diagnostics.Other | ForEach-Object { Write-Host "    $_" -ForegroundColor Red }
                    throw 'The build has errors besides RS0016/RS0017: fix them first, the baseline is left alone.'
                }
                if ($diagnostics.Add.Count -eq 0 -and $diagnostics.Remove.Count -eq 0) {
                    if ($diagnostics.ExitCode -ne 0) { $diagnostics.Output | Select-Object -Last 30 | Write-Host; throw 'The build failed (output above).' }
                    Write-Host "    the build declares exactly the public API in $ApiUnshippedFile." -ForegroundColor Green
                    return
                }
                $lines = [System.Collections.Generic.List[string]]::new()
                foreach ($line in (Get-Content $unshipped)) { if (-not $diagnostics.Remove.Contains($line.Trim())) { $lines.Add($line) } }
                if ($lines.Count -eq 0 -or $lines[0] -ne '#nullable enable') { $lines.Insert(0, '#nullable enable') }
                foreach ($symbol in $diagnostics.Remove) {
                    # Gone from Shipped: the analyzer wants it marked removed in Unshipped until the next release.
                    if ($shipped -contains $symbol) { $lines.Add("*REMOVED*$symbol") }
                    Write-Host "    - $symbol" -ForegroundColor Red
                }
                foreach ($symbol in $diagnostics.Add) {
                    if (-not $lines.Contains($symbol)) { $lines.Add($symbol) }
                    Write-Host "    + $symbol" -ForegroundColor Green
                }
                [System.IO.File]::WriteAllText($unshipped, (($lines -join "`n") + "`n"))
                Write-Host "    $ApiUnshippedFile updated: $($diagnostics.Add.Count) added, $($diagnostics.Remove.Count) removed (round $round); rebuilding to verify."
            }
            throw 'The public API baseline did not settle after 3 rounds.'
        }
    }
}

if ($Target.Count -eq 0) { $Target = @('restore', 'lint', 'build', 'test', 'pack') }

$exitCode = 0
try {
    foreach ($name in $Target) { Invoke-Target $name.ToLowerInvariant() }
}
catch {
    Write-Host ""
    Write-Host "FAILED: $($_.Exception.Message)" -ForegroundColor Red
    $exitCode = 1
}

Write-Host ""
Write-Host "Target timings:"
$script:Timings | ForEach-Object { Write-Host ("  {0,-18} {1,7:N1} s" -f $_.Target, $_.Seconds) }
if ($exitCode -eq 0) { Write-Host "build.ps1: $($Target -join ', ') succeeded." -ForegroundColor Green }
# The plain summary line goes last, where CI looks for it.
if ($script:TestSummary) { Write-Host ""; Write-Host $script:TestSummary }
exit $exitCode
