# Runs test projects side by side, each in its own `dotnet test` process, and says what they are doing while they run:
# a line when each starts, one when it finishes (tests passed, failed, skipped, its time), every failure as it happens,
# and every $TestHeartbeatSeconds a line per project still running (tests done so far, and each test that has run
# longer than that, from xunit's long-running-test notices). Used by `build.ps1 test` and by spec-update. Dot-sourced by
# build.ps1.

# How many test projects run at once. The slow suites mostly wait on child processes (scratch builds, Optic, npm,
# pwsh) and loopback servers, so a 2-core machine finishes sooner running them all together than two at a time
# (RESULTS.md, "Test suite"); the order below only decides which start first when there are more projects than this.
$TestParallelism = 8
$TestHeartbeatSeconds = 30

# Every test project of the solution (IsTestProject set true in the project or a Directory.Build.props above it, and
# not set false in the project), as paths relative to the repository.
function Get-TestProjects {
    $projects = @(& dotnet sln $Solution list 2>$null | Where-Object { $_ -match '\.csproj\s*$' } | ForEach-Object { $_.Trim().Replace('\', '/') })
    if ($LASTEXITCODE -ne 0 -or $projects.Count -eq 0) { throw "dotnet sln list found no project in $Solution." }
    foreach ($relative in $projects) {
        $text = [System.IO.File]::ReadAllText((Join-Path $Root $relative))
        if ($text -match '<IsTestProject>\s*false\s*</IsTestProject>') { continue }
        $isTest = $text -match '<IsTestProject>\s*true\s*</IsTestProject>'
        $folder = Split-Path (Join-Path $Root $relative)
        while (-not $isTest -and $folder -and $folder.Length -ge $Root.Length) {
            $props = Join-Path $folder 'Directory.Build.props'
            if (Test-Path $props) { $isTest = [System.IO.File]::ReadAllText($props) -match '<IsTestProject>\s*true\s*</IsTestProject>' }
            $folder = Split-Path $folder
        }
        if ($isTest) { $relative }
    }
}

function Format-Duration([TimeSpan] $Span) {
    if ($Span.TotalMinutes -ge 1) { return '{0}m{1:00}s' -f [int][math]::Floor($Span.TotalMinutes), $Span.Seconds }
    return '{0:N1}s' -f $Span.TotalSeconds
}

# Runs each of $Runs (objects with Project, the path relative to the repository, and optionally Filter), at most
# $TestParallelism at a time, longest first by $TimesFile (the last run's times, when there is one). Each run's TRX
# goes to <ResultsDirectory>/<project name>. Returns one object per run: Name, Project, ExitCode, Passed, Failed,
# Skipped, Seconds, FailedTests (name and message). Never throws on a failed test; the caller decides.
function Invoke-TestProjects([object[]] $Runs, [string] $ResultsDirectory, [string] $TimesFile) {
    $previous = @{}
    if ($TimesFile -and (Test-Path $TimesFile)) {
        try { (Get-Content -LiteralPath $TimesFile -Raw | ConvertFrom-Json).PSObject.Properties | ForEach-Object { $previous[$_.Name] = [double]$_.Value } }
        catch { Write-Host "    ($TimesFile is unreadable: the order falls back to the solution's)" }
    }
    # Unknown projects first (they may be slow), then the slowest of the last run.
    $queue = [System.Collections.Generic.Queue[object]]::new()
    $Runs | Sort-Object @{ Expression = { $n = [System.IO.Path]::GetFileNameWithoutExtension($_.Project); if ($previous.ContainsKey($n)) { $previous[$n] } else { [double]::MaxValue } }; Descending = $true } |
        ForEach-Object { $queue.Enqueue($_) }

    $running = [System.Collections.Generic.List[object]]::new()
    $finished = [System.Collections.Generic.List[object]]::new()
    $suite = [System.Diagnostics.Stopwatch]::StartNew()
    $nextHeartbeat = $TestHeartbeatSeconds
    while ($queue.Count -gt 0 -or $running.Count -gt 0) {
        while ($queue.Count -gt 0 -and $running.Count -lt $TestParallelism) { $running.Add((Start-TestProject $queue.Dequeue() $ResultsDirectory)) }

        $idle = $true
        foreach ($run in @($running)) {
            foreach ($stream in @($run.Out, $run.Err)) {
                while ($stream.Pending -and $stream.Pending.IsCompleted) {
                    $idle = $false
                    $line = $stream.Pending.Result
                    if ($null -eq $line) { $stream.Pending = $null; break }
                    Read-TestLine $run $line
                    $stream.Pending = $stream.Reader.ReadLineAsync()
                }
            }
            if (-not $run.Out.Pending -and -not $run.Err.Pending -and $run.Process.HasExited) {
                $run.Process.WaitForExit()
                Complete-TestProject $run
                [void] $running.Remove($run)
                $finished.Add($run.Result)
            }
        }

        if ($suite.Elapsed.TotalSeconds -ge $nextHeartbeat) {
            $nextHeartbeat += $TestHeartbeatSeconds
            foreach ($run in $running) {
                $done = $run.Passed + $run.Failed + $run.Skipped
                # xunit discovers a theory whose data it cannot serialize as one case and runs each row: a total only
                # while it holds.
                $of = if ($run.Discovered -and $done -le $run.Discovered) { "/$($run.Discovered)" } else { '' }
                $long = if ($run.LongRunning.Count) { '; running: ' + (($run.LongRunning.GetEnumerator() | ForEach-Object { "$($_.Key) (over $($_.Value))" }) -join ', ') } else { '' }
                Write-Host "    [$($run.Name)] $(Format-Duration $run.Watch.Elapsed): $done$of tests done, $($run.Failed) failed$long" -ForegroundColor DarkGray
            }
        }
        if ($idle) { Start-Sleep -Milliseconds 100 }
    }

    if ($TimesFile) {
        foreach ($result in $finished) { $previous[$result.Name] = $result.Seconds }
        New-Item -ItemType Directory -Force (Split-Path $TimesFile) | Out-Null
        [System.IO.File]::WriteAllText($TimesFile, ($previous | ConvertTo-Json))
    }
    return , @($finished | Sort-Object Name)
}

function Start-TestProject([object] $Run, [string] $ResultsDirectory) {
    $name = [System.IO.Path]::GetFileNameWithoutExtension($Run.Project)
    $directory = Join-Path $ResultsDirectory $name
    if (Test-Path $directory) { Remove-Item -Recurse -Force $directory }
    # Normal verbosity, so that each finished test is a line to count; xunit's notices of a test running longer than
    # the heartbeat come through its diagnostic messages.
    $arguments = @('test', (Join-Path $Root $Run.Project), '--no-build', '-c', $Configuration, '--nologo',
        '--logger', 'console;verbosity=normal', '--logger', 'trx', '--results-directory', $directory)
    $filter = if ($Run.PSObject.Properties['Filter']) { $Run.Filter } else { '' }
    if ($filter) { $arguments += @('--filter', $filter) }
    $arguments += @('--', "xUnit.LongRunningTestSeconds=$TestHeartbeatSeconds", 'xUnit.DiagnosticMessages=true')

    $start = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($argument in $arguments) { $start.ArgumentList.Add($argument) }
    $start.UseShellExecute = $false
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.WorkingDirectory = $Root
    Write-Host "    [$name] started$(if ($filter) { " (--filter $filter)" })" -ForegroundColor Cyan
    Write-Host "      dotnet $($arguments -join ' ')" -ForegroundColor DarkGray
    $process = [System.Diagnostics.Process]::Start($start)
    return [pscustomobject]@{
        Name = $name; Project = $Run.Project; Directory = $directory; Process = $process
        Watch = [System.Diagnostics.Stopwatch]::StartNew()
        Out = [pscustomobject]@{ Reader = $process.StandardOutput; Pending = $process.StandardOutput.ReadLineAsync() }
        Err = [pscustomobject]@{ Reader = $process.StandardError; Pending = $process.StandardError.ReadLineAsync() }
        Filtered = [bool]$filter; Discovered = 0; Passed = 0; Failed = 0; Skipped = 0; InFailure = $false
        LongRunning = [ordered]@{}; Tail = [System.Collections.Generic.Queue[string]]::new(); Result = $null
    }
}

# Class.Method(arguments) of a test's full name: what a progress line has room for.
function Get-ShortTestName([string] $Test) {
    $open = $Test.IndexOf('(')
    $method = if ($open -ge 0) { $Test.Substring(0, $open) } else { $Test }
    $parts = $method.Split('.')
    $short = if ($parts.Count -ge 2) { "$($parts[-2]).$($parts[-1])" } else { $method }
    if ($open -ge 0) { $short += $Test.Substring($open) }
    return $short
}

# One line of a test process: counted, remembered as a long-running test, or printed (failures and anything unexpected).
function Read-TestLine([object] $Run, [string] $Line) {
    $Run.Tail.Enqueue($Line); if ($Run.Tail.Count -gt 40) { [void] $Run.Tail.Dequeue() }
    if ($Line -match '^\s+(?<outcome>Passed|Skipped|Failed)\s+(?<test>.+?)(\s+\[[^\]]+\])?\s*$') {
        $Run.LongRunning.Remove((Get-ShortTestName $Matches.test))
        $Run.InFailure = $Matches.outcome -eq 'Failed'
        switch ($Matches.outcome) { 'Passed' { $Run.Passed++ } 'Skipped' { $Run.Skipped++ } 'Failed' { $Run.Failed++ } }
        if ($Run.InFailure) { Write-Host "    [$($Run.Name)] $($Line.Trim())" -ForegroundColor Red }
        return
    }
    if ($Line -match '\[Long Running Test\] ''(?<test>[^'']+)'', Elapsed: (?<elapsed>\S+)') {
        $Run.LongRunning[(Get-ShortTestName $Matches.test)] = $Matches.elapsed; return
    }
    # xunit counts what it discovered before --filter selects: a total only for an unfiltered run.
    if (-not $Run.Filtered -and $Line -match 'Discovered:\s+\S+ \((?<count>\d+) test case') { $Run.Discovered = [int]$Matches.count; return }
    if ($Line -match '^(Test Run (Successful|Failed|Aborted)|Total tests:|Results File:|\[xUnit\.net )') { $Run.InFailure = $false; return }
    # The failure's message and stack, as the console logger prints them under its "Failed" line.
    if ($Run.InFailure) { Write-Host "    [$($Run.Name)]   $Line" -ForegroundColor Red; return }
}

function Complete-TestProject([object] $Run) {
    $Run.Watch.Stop()
    $failedTests = [System.Collections.Generic.List[object]]::new()
    $passed = 0; $failed = 0; $skipped = 0; $found = $false
    foreach ($trx in Get-ChildItem $Run.Directory -Filter *.trx -ErrorAction SilentlyContinue) {
        $found = $true
        $xml = [xml](Get-Content -LiteralPath $trx.FullName -Raw)
        $counters = $xml.TestRun.ResultSummary.Counters
        $passed += [int]$counters.passed
        $failed += [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
        $skipped += [int]$counters.notExecuted
        foreach ($result in @($xml.TestRun.Results.UnitTestResult | Where-Object { $_ -and $_.outcome -eq 'Failed' })) {
            $failedTests.Add([pscustomobject]@{ Name = $result.testName; Message = "$($result.Output.ErrorInfo.Message)".Trim() })
        }
    }
    $code = $Run.Process.ExitCode
    if ($code -ne 0 -and $failedTests.Count -eq 0) {
        # No failed test, yet a failed run (a crash, a build output missing): its last lines say why.
        Write-Host "    [$($Run.Name)] dotnet test exited with code $code; its last lines:" -ForegroundColor Red
        $Run.Tail | ForEach-Object { Write-Host "    [$($Run.Name)] | $_" -ForegroundColor Red }
        $failedTests.Add([pscustomobject]@{ Name = $Run.Name; Message = "dotnet test exited with code $code without a failed test (its last lines are above)." })
    }
    if (-not $found) { $passed = $Run.Passed; $failed = $Run.Failed; $skipped = $Run.Skipped }
    $colour = if ($code -eq 0) { 'Green' } else { 'Red' }
    Write-Host "    [$($Run.Name)] finished: $passed passed, $failed failed, $skipped skipped in $(Format-Duration $Run.Watch.Elapsed)" -ForegroundColor $colour
    $Run.Result = [pscustomobject]@{
        Name = $Run.Name; Project = $Run.Project; ExitCode = $code; Passed = $passed; Failed = $failed; Skipped = $skipped
        Seconds = [math]::Round($Run.Watch.Elapsed.TotalSeconds, 1); FailedTests = $failedTests
    }
}
