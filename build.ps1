#!/usr/bin/env pwsh

<#
.SYNOPSIS
    Builds, lints, tests and packs the ImageService SDK, and carries a spec
    change through to a release.
.DESCRIPTION
    Run through the repo's local PowerShell tool, so nothing beyond the .NET
    SDK and Node.js is needed:
        dotnet tool restore
        dotnet pwsh ./build.ps1 [target ...]
    With no target it runs restore, lint, build, test and pack. Every
    target works as the first command on a fresh clone (it restores what
    it needs). Every step stops the script with a non-zero exit code on
    failure. Warnings are errors here, and builds are deterministic
    (ContinuousIntegrationBuild), as in CI. `dotnet pwsh ./build.ps1 help`
    lists the targets (the -Target text below); CONTRIBUTING.md has the
    workflows.
.PARAMETER Target
    help              list the targets: this text (all of the help:
                      Get-Help ./build.ps1 -Detailed)
    restore           dotnet restore, and npm ci (Spectral, Prism, Optic)
                      when node_modules is missing or older than
                      package-lock.json
    lint              Spectral on openapi/images.yaml (zero errors, zero
                      warnings)
    build             Client.sln in Release, warnings as errors, as CI
                      builds it (regenerates the client when the spec
                      changed)
    generation-check  prove the NSwag step is incremental (no rerun
                      without a change, a rerun after touching the spec)
    snippets          copy the samples' #region Snippet:* blocks into
                      README.md and the package's README
    snippets-check    fail when that code differs from the compiled
                      samples
    quickstart        run samples/Quickstart against the embedded
                      emulator and check every lifecycle step
    test              restore, lint, build, the checks above, then every
                      test project
    figures           print the reliability figures of the last test run
                      (artifacts/figures) and write FIGURES.md
    pack              the NuGet package (and .snupkg) of every project
                      with IsPackable=true into artifacts/packages (see
                      -PackageOutput, -VersionSuffix); builds only those
                      projects and what they reference, as build does,
                      so it reuses a fresh build
    bench             the BenchmarkDotNet suite
                      (tests/ImageService.Benchmarks, Release): SDK
                      against the floor and the peers (Refit, stock
                      NSwag, Kiota, Azure.Core), in process, then the
                      peer comparison again in a child pinned to one
                      core (taskset -c 0); writes
                      tests/ImageService.Benchmarks/RESULTS.md (about
                      20 minutes)
    bench-smoke       the same suite, one dry invocation each, every peer
                      checked and run a few times on two cores and on
                      one, no build timing (CI; fails when a benchmark
                      throws or a peer returns a different image)
    spec-update       after editing openapi/images.yaml: lint,
                      regenerate, refresh the API baseline, build the
                      whole solution (incrementally), run both gates,
                      every suite that reads the spec, the snippet
                      check, the quickstart and the benchmark peers,
                      and print the steps that remain (spec, facade,
                      emulator, tests, samples, peers, version,
                      CHANGELOG) and the time of each step; fails
                      until none remain
    spec-diff         Optic breaking-change check of openapi/images.yaml
                      against the base (see -Base): an added enum value
                      is MINOR for this SDK (Optic's verdict is shown);
                      breaking changes need one MAJOR above the last
                      release (1.0.0 before the first), additive ones
                      one MINOR; CHANGELOG.md must describe the version
    spec-diff-files   the same classifier on two files: -Old <spec>
                      -New <spec> (fails on a breaking change)
    api-diff          what changed in the public C# surface
                      (PublicAPI.*.txt) since the same base, grouped by
                      type; the same versioning rule (removed or changed
                      symbols are breaking)
    api-diff-files    the same comparison of two PublicAPI files or
                      folders: -Old <path> -New <path>
    api-baseline      rewrite PublicAPI.Unshipped.txt (sorted) from the
                      build's RS0016/RS0017 diagnostics, then build the
                      whole solution and say what else is red
    release           -Version X: from a clean tree, check version.props
                      and CHANGELOG.md, run both gates, move
                      PublicAPI.Unshipped.txt into Shipped, date the
                      CHANGELOG heading, commit and tag vX (pushes
                      nothing)
    walkthroughs      on a scratch clone: release the unreleased
                      version, CONTRIBUTING.md's Walkthroughs 1 and 2
                      as written, then the test command (tens of
                      minutes)
.PARAMETER Configuration
    Release (default) or Debug.
.PARAMETER Base
    The git ref spec-diff and api-diff compare with (both use the same
    one). Default: the newest release tag (v*), else the merge base with
    origin/main when HEAD is ahead of it, else HEAD when the spec or the
    PublicAPI files have uncommitted changes, else the parent of the last
    commit that changed them (no such commit: nothing to compare).
.PARAMETER Old
    spec-diff-files / api-diff-files: the file (or PublicAPI folder)
    before the change.
.PARAMETER New
    spec-diff-files / api-diff-files: the file (or PublicAPI folder)
    after the change.
.PARAMETER Version
    release: the version to release, MAJOR.MINOR.PATCH; version.props
    must already say it.
.PARAMETER Date
    release: the date written into the CHANGELOG heading (yyyy-MM-dd).
    Default: today (UTC).
.PARAMETER PackageOutput
    pack: the folder the packages go to. Default: artifacts/packages.
.PARAMETER VersionSuffix
    pack: a prerelease suffix (dev.2 packs 1.0.0-dev.2). NuGet serves a
    version it has cached forever, so a repack meant for a project that
    already restored this version needs a new suffix.
.EXAMPLE
    dotnet pwsh ./build.ps1 test
    Everything CI runs before the gates: restore, lint, build, the checks,
    every test.
.EXAMPLE
    dotnet pwsh ./build.ps1 spec-update
    After editing openapi/images.yaml: what the change does and every
    step left (CONTRIBUTING.md).
.EXAMPLE
    dotnet pwsh ./build.ps1 pack -VersionSuffix dev.2
    Packages into artifacts/packages, versioned 1.0.0-dev.2.
.EXAMPLE
    dotnet pwsh ./build.ps1 release -Version 1.0.0
    Tag v1.0.0 with the public API moved to PublicAPI.Shipped.txt and
    the CHANGELOG heading dated.
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0, ValueFromRemainingArguments = $true)]
    [string[]] $Target = @(),
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',
    [string] $Base = '',
    [string] $Old = '',
    [string] $New = '',
    [string] $Version = '',
    [string] $Date = '',
    [string] $PackageOutput = '',
    [string] $VersionSuffix = ''
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$PSNativeCommandUseErrorActionPreference = $false
$Root = $PSScriptRoot
$Solution = Join-Path $Root 'Client.sln'
$Artifacts = Join-Path $Root 'artifacts'
# How build, generation-check and pack build: warnings as errors and deterministic, as CI builds (CI=true sets the same
# in Directory.Build.props). One set of properties, so that pack finds the build up to date instead of recompiling.
$BuildProperties = @('-warnaserror', '-p:TreatWarningsAsErrors=true', '-p:ContinuousIntegrationBuild=true')
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

# npm ci, only when node_modules is missing or older than package-lock.json (npm writes node_modules/.package-lock.json
# at every install, so its time says when node_modules last matched the lock file).
function Restore-NodeTools {
    $lock = Join-Path $Root 'package-lock.json'
    $installed = Join-Path $Root 'node_modules/.package-lock.json'
    if ((Test-Path $installed) -and [System.IO.File]::GetLastWriteTimeUtc($installed) -ge [System.IO.File]::GetLastWriteTimeUtc($lock)) {
        Write-Host '    node_modules is up to date with package-lock.json: npm ci skipped.'
        return
    }
    $why = if (Test-Path $installed) { 'package-lock.json is newer than node_modules' } else { 'node_modules is missing' }
    Write-Host "    $why`: npm ci"
    Push-Location $Root
    # --prefer-offline: the lock file pins every version and hash, so npm's cache serves what it already has.
    try { Invoke-Native npm @('ci', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error') | Out-Host } finally { Pop-Location }
}

# A tool of node_modules/.bin (Spectral, Optic), run directly: npx would start one more node process to find it, at
# every gate and lint run (the spec-evolution tests run dozens).
function Get-NodeTool([string] $Name) {
    $tool = Join-Path $Root "node_modules/.bin/$Name$(if ($IsWindows) { '.cmd' })"
    if (-not (Test-Path $tool)) { throw "$tool is missing: run 'dotnet pwsh ./build.ps1 restore' (npm ci installs it from package-lock.json)." }
    return $tool
}

# The counts TestRun.ps1 read from each project's TRX, as the one line CI looks for.
function Write-TestSummary([object[]] $Finished) {
    $passed = ($Finished | Measure-Object Passed -Sum).Sum
    $failed = ($Finished | Measure-Object Failed -Sum).Sum
    $skipped = ($Finished | Measure-Object Skipped -Sum).Sum
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

# The targets' help is written once, under .PARAMETER Target at the top of this file, where Get-Help reads it too:
# `help` prints those lines. An entry starts with the target's name; more-indented lines continue it.
function Get-TargetHelp {
    $parameter = (Get-Help $PSCommandPath).parameters.parameter | Where-Object name -eq 'Target'
    if (-not $parameter) { throw "Get-Help found no .PARAMETER Target in ${PSCommandPath}: its comment-based help is broken (a line there that starts with '.' and is no help keyword, such as .NET, hides all of it)." }
    $lines = @((($parameter.description | ForEach-Object Text) -join "`n") -split "`r?`n")
    $documented = @($lines | Where-Object { $_ -match '^(?<name>[a-z][a-z-]*)\s{2,}\S' } | ForEach-Object { $Matches['name'] })
    $undocumented = @($Targets.Keys | Where-Object { $_ -notin $documented })
    $unknown = @($documented | Where-Object { -not $Targets.Contains($_) })
    $problems = @($undocumented | ForEach-Object { "target '$_' has no entry" }) + @($unknown | ForEach-Object { "'$_' is no target" })
    if ($problems.Count) { throw "The help under .PARAMETER Target in build.ps1 is out of date: $($problems -join '; ')." }
    return $lines
}

function Invoke-Target([string] $Name) {
    if ($script:Completed.Contains($Name)) { return }
    $definition = $Targets[$Name]
    if ($null -eq $definition) {
        throw "Unknown target '$Name'. Known targets: $($Targets.Keys -join ', ') (dotnet pwsh ./build.ps1 help describes them)."
    }
    foreach ($dependency in $definition.DependsOn) { Invoke-Target $dependency }
    Write-Step "$Name - $($definition.Description)"
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    # To the host, never to the caller's pipeline: a target run from inside a function (a dependency, or restore run
    # on demand) must not add its output to that function's return value.
    & $definition.Action | Out-Host
    $watch.Stop()
    $script:Timings.Add([pscustomobject]@{ Target = $Name; Seconds = [math]::Round($watch.Elapsed.TotalSeconds, 1) })
    [void] $script:Completed.Add($Name)
}

# README snippets taken from the compiled samples.
. (Join-Path $PSScriptRoot '.ci/scripts/Snippets.ps1')

# spec-diff, api-diff and api-baseline helpers (Optic report parsing, PublicAPI comparison, the versioning rule),
# then spec-update and release, which build on them.
. (Join-Path $PSScriptRoot '.ci/scripts/SpecEvolution.ps1')
. (Join-Path $PSScriptRoot '.ci/scripts/SpecUpdate.ps1')
. (Join-Path $PSScriptRoot '.ci/scripts/Release.ps1')
. (Join-Path $PSScriptRoot '.ci/scripts/Walkthroughs.ps1')
# The test projects side by side, with progress (test and spec-update).
. (Join-Path $PSScriptRoot '.ci/scripts/TestRun.ps1')

$Targets = [ordered]@{
    restore = @{
        Description = 'restore .NET and npm dependencies'
        DependsOn = @()
        Action = {
            Invoke-Native dotnet @('restore', $Solution)
            Restore-NodeTools
        }
    }
    lint = @{
        Description = 'lint openapi/images.yaml with Spectral'
        DependsOn = @()
        Action = {
            Restore-NodeTools
            Push-Location $Root
            try { Invoke-Native (Get-NodeTool 'spectral') @('lint', 'openapi/images.yaml', '--fail-severity=warn') } finally { Pop-Location }
        }
    }
    build = @{
        Description = "build Client.sln ($Configuration, warnings as errors)"
        DependsOn = @('restore')
        Action = {
            Invoke-Native dotnet (@('build', $Solution, '--no-restore', '-c', $Configuration, '-nologo') + $BuildProperties)
        }
    }
    'generation-check' = @{
        Description = 'prove the NSwag step is incremental: no rerun without a change, a rerun after touching the spec'
        DependsOn = @('build')
        Action = {
            $project = Join-Path $Root 'src/ImageService.Client/ImageService.Client.csproj'
            $generated = Join-Path $Root "src/ImageService.Client/obj/$Configuration/net10.0/Generated/ImageServiceRestClient.g.cs"
            $spec = Get-Item (Join-Path $Root 'openapi/images.yaml')
            $specTime = $spec.LastWriteTimeUtc
            $build = @('build', $project, '--no-restore', '-c', $Configuration, '-f', 'net10.0', '-nologo', '-v:minimal') + $BuildProperties
            $before = (Get-Item $generated).LastWriteTimeUtc
            $quiet = & dotnet $build
            if ($LASTEXITCODE -ne 0) { $quiet | Write-Host; throw 'The no-change build failed.' }
            if ((Get-Item $generated).LastWriteTimeUtc -ne $before) { throw 'A build with no spec change rewrote the generated client.' }
            Write-Host '    no change: generated client untouched'
            try {
                $spec.LastWriteTimeUtc = [DateTime]::UtcNow
                $quiet = & dotnet $build
                if ($LASTEXITCODE -ne 0) { $quiet | Write-Host; throw 'The build after touching the spec failed.' }
                if ((Get-Item $generated).LastWriteTimeUtc -le $before) { throw 'Touching openapi/images.yaml did not regenerate the client.' }
                Write-Host '    spec touched: generated client regenerated'
            }
            finally {
                # The spec's text never changed: its old time back leaves every other output of it (the net8.0 client,
                # the emulator, the benchmark peers) up to date, so a pack or build after the tests reuses them.
                $spec.LastWriteTimeUtc = $specTime
            }
        }
    }
    snippets = @{
        Description = 'copy the #region Snippet:* blocks of samples/ into README.md and the package README'
        DependsOn = @()
        Action = { Update-ReadmeSnippets $Root }
    }
    'snippets-check' = @{
        Description = 'fail when the code of README.md or the package README differs from the compiled samples'
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
            $runs = @(Get-TestProjects | ForEach-Object { [pscustomobject]@{ Project = $_ } })
            Write-Host "    $($runs.Count) test projects, up to $TestParallelism at a time; a progress line per project every $TestHeartbeatSeconds s"
            $finished = Invoke-TestProjects $runs $results (Join-Path $Artifacts 'test-times.json')
            Write-Figures $figures
            Write-TestSummary $finished
            Write-Host ''
            Write-Host '    test projects:'
            foreach ($run in $finished) { Write-Host ("      {0,-40} {1,4} passed {2,3} failed {3,3} skipped {4,8}" -f $run.Name, $run.Passed, $run.Failed, $run.Skipped, (Format-Duration ([TimeSpan]::FromSeconds($run.Seconds)))) }
            $red = @($finished | Where-Object { $_.ExitCode -ne 0 })
            if ($red) {
                foreach ($test in $red.FailedTests) { Write-Host "    FAILED $($test.Name): $(($test.Message -split "`n")[0])" -ForegroundColor Red }
                throw "$(@($red.FailedTests).Count) test(s) failed in $(($red | ForEach-Object Name) -join ', ') (each is above, with its message)."
            }
        }
    }
    figures = @{
        Description = 'print the reliability figures of the last test run (artifacts/figures/*.json) and write FIGURES.md'
        DependsOn = @()
        Action = { Write-Figures (Join-Path $Artifacts 'figures') }
    }
    pack = @{
        Description = 'pack every project with IsPackable=true, building only them, as CI does'
        DependsOn = @()
        Action = {
            # dotnet pack on the solution runs Pack on every project, and Pack does nothing where IsPackable is false
            # (tests, samples, benchmarks, the source generator): only the packable projects and what they reference are
            # built, incrementally and with the build target's properties, so a fresh build is reused. It restores them.
            $output = if ($PackageOutput) { [System.IO.Path]::GetFullPath($PackageOutput, (Get-Location).Path) } else { Join-Path $Artifacts 'packages' }
            $arguments = @('pack', $Solution, '-c', $Configuration, '-o', $output, '-nologo') + $BuildProperties
            if ($VersionSuffix) { $arguments += @('--version-suffix', $VersionSuffix) }
            Invoke-Native dotnet $arguments
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
        Action = { Assert-NoFailures 'spec-diff' (Invoke-SpecGate) }
    }
    'spec-diff-files' = @{
        Description = 'the spec-diff classifier on two files (-Old <spec> -New <spec>); fails on a breaking change'
        DependsOn = @()
        Action = {
            if (-not $Old -or -not $New) { throw 'spec-diff-files needs -Old <spec> and -New <spec>.' }
            $changes = Get-SpecChanges (Resolve-Path $Old).Path (Resolve-Path $New).Path
            $breaking = @($changes | Where-Object Breaking).Count
            $bump = if ($breaking) { 'MAJOR' } elseif ($changes.Count) { 'MINOR' } else { 'none' }
            Write-Host "    the versioning rule asks for: $bump"
            if ($breaking -gt 0) { throw "spec-diff-files: $breaking breaking change(s)." }
            Write-Host '    spec-diff-files: no breaking change.' -ForegroundColor Green
        }
    }
    'api-diff' = @{
        Description = 'public API gate: what changed in PublicAPI.*.txt since the base, versioning rule, changelog'
        DependsOn = @()
        Action = { Assert-NoFailures 'api-diff' (Invoke-ApiGate) }
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
        Description = 'rewrite PublicAPI.Unshipped.txt (sorted) from RS0016/RS0017, then build the whole solution and say what else is red'
        DependsOn = @()
        Action = {
            $baseline = Update-ApiBaseline
            if ($baseline.Errors.Count -gt 0) {
                $baseline.Errors | ForEach-Object { Write-Host "    $_" -ForegroundColor Red }
                throw 'The client has errors besides RS0016/RS0017: fix them first, the baseline is left alone.'
            }
            Write-Host "    the client declares exactly its public API in $ApiUnshippedFile ($($baseline.Added.Count) added, $($baseline.Removed.Count) removed)." -ForegroundColor Green
            $build = Invoke-SolutionBuild
            if ($build.ExitCode -ne 0) {
                Write-BuildErrors $build.Errors
                throw "The baseline is written, but the solution is red elsewhere (above, by area). 'dotnet pwsh ./build.ps1 spec-update' lists every remaining step."
            }
            Write-Host '    the whole solution builds.' -ForegroundColor Green
        }
    }
    'spec-update' = @{
        Description = 'after a spec edit: regenerate, baseline, build, gates, every suite that reads the spec, snippets, peers; print what remains'
        DependsOn = @()
        Action = { Invoke-SpecUpdate }
    }
    release = @{
        Description = 'release -Version X: gates, move Unshipped to Shipped, date the CHANGELOG heading, commit, tag vX'
        DependsOn = @()
        Action = { Invoke-Release $Version $Date }
    }
    walkthroughs = @{
        Description = 'on a scratch clone: release, CONTRIBUTING.md''s Walkthroughs 1 and 2 as written, then the test command'
        DependsOn = @()
        Action = { Invoke-Walkthroughs }
    }
    help = @{
        Description = 'list the targets'
        DependsOn = @()
        Action = {
            Write-Host 'Usage: dotnet pwsh ./build.ps1 [target ...] [-Configuration Release|Debug] [-Base <ref>] [-Old <path> -New <path>] [-Version X] [-PackageOutput <folder>] [-VersionSuffix <suffix>]'
            Write-Host 'No target: restore, lint, build, test, pack. Full help: Get-Help ./build.ps1 -Detailed. Workflows: CONTRIBUTING.md.'
            Write-Host ''
            Get-TargetHelp | ForEach-Object { Write-Host "  $_" }
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
