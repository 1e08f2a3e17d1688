# build.ps1 release -Version X: cut release X from a clean, green working tree. It checks that version.props says X and
# that CHANGELOG.md describes X, runs both gates, moves PublicAPI.Unshipped.txt into PublicAPI.Shipped.txt, dates the
# CHANGELOG heading, commits, and tags vX (annotated). It pushes nothing. Dot-sourced by build.ps1 after SpecEvolution.ps1.

# The shipped surface after a release: Shipped, minus what Unshipped marks *REMOVED*, plus what Unshipped adds.
function Merge-ApiFiles([string[]] $Shipped, [string[]] $Unshipped) {
    $surface = [System.Collections.Generic.HashSet[string]]::new([StringComparer]::Ordinal)
    foreach ($line in $Shipped) { if ($line.Trim() -and -not $line.Trim().StartsWith('#')) { [void] $surface.Add($line.Trim()) } }
    foreach ($line in $Unshipped) {
        $text = $line.Trim()
        if (-not $text -or $text.StartsWith('#')) { continue }
        if ($text.StartsWith('*REMOVED*')) { [void] $surface.Remove($text.Substring(9)) } else { [void] $surface.Add($text) }
    }
    return , @($surface)
}

function Invoke-Release([string] $Version, [string] $Date) {
    if ($Version -notmatch '^\d+\.\d+\.\d+$') { throw "release needs -Version MAJOR.MINOR.PATCH (for example -Version 1.0.0); got '$Version'." }
    $target = [version] $Version
    $tag = "v$Version"
    $dirty = Invoke-Git @('status', '--porcelain')
    if ($dirty) { throw "release needs a clean working tree (git status shows changes): commit or stash them first.`n$($dirty -join "`n")" }
    if (Invoke-Git @('tag', '--list', $tag)) { throw "The tag $tag already exists: $Version is released." }
    $current = Get-CurrentVersion
    if ($current -ne $target) { throw "version.props says $current, not ${Version}: set <VersionPrefix>$Version</VersionPrefix> (the version spec-diff and api-diff accept) and commit it first." }
    $release = Get-LastRelease
    if ($release -and $release.Version -ge $target) { throw "$Version is not above the last release, $($release.Tag)." }
    $changelog = Test-ChangelogEntry $target
    if ($changelog) { throw $changelog }

    # The gates must pass for exactly what is tagged: against the last release, or before the first one as usual.
    Invoke-Target 'spec-diff'
    Invoke-Target 'api-diff'

    Write-Host "    moving $ApiUnshippedFile into $ApiShippedFile"
    $shippedPath = Join-Path $Root $ApiShippedFile
    $unshippedPath = Join-Path $Root $ApiUnshippedFile
    $merged = Merge-ApiFiles @(Get-Content $shippedPath) @(Get-Content $unshippedPath)
    Write-ApiFile $shippedPath $merged
    Write-ApiFile $unshippedPath @()

    $day = if ($Date) { $Date } else { [DateTime]::UtcNow.ToString('yyyy-MM-dd', [Globalization.CultureInfo]::InvariantCulture) }
    $changelogPath = Join-Path $Root 'CHANGELOG.md'
    $section = Get-ChangelogSection $target
    $lines = [System.Collections.Generic.List[string]]::new([string[]] @(Get-Content $changelogPath))
    $lines[$section.Line] = "## [$Version] - $day"
    [System.IO.File]::WriteAllText($changelogPath, ($lines -join "`n") + "`n")
    Write-Host "    CHANGELOG.md: '$($section.Heading)' -> '## [$Version] - $day'"

    Invoke-Git @('add', '--', $ApiShippedFile, $ApiUnshippedFile, 'CHANGELOG.md') | Out-Null
    Invoke-Git @('commit', '--quiet', '-m', "Release $Version") | Out-Null
    Invoke-Git @('tag', '--annotate', $tag, '-m', "Release $Version") | Out-Null
    Write-Host "    committed 'Release $Version' and tagged $tag." -ForegroundColor Green
    Write-Host "    Next: git push origin HEAD $tag. From now on the gates compare with $tag; the next change adds a '## [next version] - Unreleased' heading to CHANGELOG.md and bumps version.props by the rule."
}
