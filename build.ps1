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
    test = @{
        Description = 'run every test project'
        DependsOn = @('restore', 'lint', 'build')
        Action = {
            $results = Join-Path $Artifacts 'test-results'
            Invoke-Native dotnet @('test', $Solution, '--no-build', '-c', $Configuration, '--nologo',
                '--logger', 'console;verbosity=minimal', '--logger', 'trx', '--results-directory', $results)
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
$script:Timings | ForEach-Object { Write-Host ("  {0,-12} {1,7:N1} s" -f $_.Target, $_.Seconds) }
if ($exitCode -eq 0) { Write-Host "build.ps1: $($Target -join ', ') succeeded." -ForegroundColor Green }
exit $exitCode
