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
    pack     the NuGet package of src/ImageService.Client into artifacts/packages
.PARAMETER Configuration
    Release (default) or Debug.
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0, ValueFromRemainingArguments = $true)]
    [string[]] $Target = @(),
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
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
        $counters = ([xml](Get-Content $trx.FullName -Raw)).TestRun.ResultSummary.Counters
        $passed += [int]$counters.passed
        $failed += [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
        $skipped += [int]$counters.notExecuted
    }
    $script:TestSummary = "Tests: $passed passed, $failed failed, $skipped skipped"
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
    test = @{
        Description = 'run every test project'
        DependsOn = @('restore', 'lint', 'build', 'generation-check')
        Action = {
            $results = Join-Path $Artifacts 'test-results'
            if (Test-Path $results) { Remove-Item -Recurse -Force $results }
            $failure = $null
            try {
                Invoke-Native dotnet @('test', $Solution, '--no-build', '-c', $Configuration, '--nologo',
                    '--logger', 'console;verbosity=minimal', '--logger', 'trx', '--results-directory', $results)
            }
            catch { $failure = $_ }
            Write-TestSummary $results
            if ($failure) { throw $failure }
        }
    }
    pack = @{
        Description = 'pack src/ImageService.Client'
        DependsOn = @('restore', 'build')
        Action = {
            Invoke-Native dotnet @('pack', (Join-Path $Root 'src/ImageService.Client/ImageService.Client.csproj'), '--no-build', '-c', $Configuration,
                '-o', (Join-Path $Artifacts 'packages'), '-nologo')
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
