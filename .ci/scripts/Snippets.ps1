# README snippets come from compiled sample code: `#region Snippet:Name` … `#endregion` in samples/**/*.cs fills the
# block `<!-- snippet:Name -->` … `<!-- /snippet -->` of README.md and of the package's README. (MarkdownSnippets does
# this job in Polly's repo; it is not served by this project's package feed, so this is the few lines of it we need.)

function Get-SampleSnippets([string] $Root) {
    $snippets = @{}
    foreach ($file in Get-ChildItem (Join-Path $Root 'samples') -Recurse -Filter *.cs | Where-Object { $_.FullName -notmatch '[\\/](bin|obj)[\\/]' }) {
        $lines = Get-Content $file.FullName
        for ($i = 0; $i -lt $lines.Count; $i++) {
            if ($lines[$i] -match '^\s*#region\s+Snippet:(\S+)\s*$') {
                $name = $Matches[1]
                $body = [System.Collections.Generic.List[string]]::new()
                $depth = 1
                for ($j = $i + 1; $j -lt $lines.Count; $j++) {
                    if ($lines[$j] -match '^\s*#region\b') { $depth++ }
                    elseif ($lines[$j] -match '^\s*#endregion\b') { $depth--; if ($depth -eq 0) { break } }
                    $body.Add($lines[$j])
                }
                if ($depth -ne 0) { throw "Snippet '$name' in $($file.FullName) has no #endregion." }
                if ($snippets.ContainsKey($name)) { throw "Snippet '$name' is defined twice (again in $($file.FullName))." }
                $indent = ($body | Where-Object { $_.Trim() } | ForEach-Object { ($_ -replace '^(\s*).*', '$1').Length } | Measure-Object -Minimum).Minimum
                $snippets[$name] = ($body | ForEach-Object { if ($_.Length -ge $indent) { $_.Substring($indent) } else { $_.TrimStart() } }) -join "`n"
            }
        }
    }
    return $snippets
}

# The Markdown files whose code comes from the samples: the repository's README and the package's (what a feed shows).
$ReadmeFilesWithSnippets = @('README.md', 'src/ImageService.Client/README.md')

function Update-ReadmeSnippets([string] $Root, [switch] $Check) {
    $snippets = Get-SampleSnippets $Root
    $used = [System.Collections.Generic.HashSet[string]]::new()
    $pattern = '(?s)<!-- snippet:(?<name>[^ ]+) -->\n.*?<!-- /snippet -->'
    $drifted = [System.Collections.Generic.List[string]]::new()
    foreach ($file in $ReadmeFilesWithSnippets) {
        $readmePath = Join-Path $Root $file
        $readme = [System.IO.File]::ReadAllText($readmePath)
        $updated = [regex]::Replace($readme, $pattern, {
                param($match)
                $name = $match.Groups['name'].Value
                if (-not $snippets.ContainsKey($name)) { throw "$file asks for snippet '$name', which no sample defines (#region Snippet:$name)." }
                [void] $used.Add($name)
                "<!-- snippet:$name -->`n``````csharp`n$($snippets[$name])`n```````n<!-- /snippet -->"
            })
        if ($updated -eq $readme) { continue }
        $drifted.Add($file)
        if (-not $Check) { [System.IO.File]::WriteAllText($readmePath, $updated) }
    }
    $unused = $snippets.Keys | Where-Object { -not $used.Contains($_) }
    if ($unused) { Write-Host "    note: sample snippets shown nowhere: $($unused -join ', ')" }
    $files = $ReadmeFilesWithSnippets -join ' and '
    if ($drifted.Count -eq 0) {
        Write-Host "    $files match the sample code ($($used.Count) snippets)."
    }
    elseif ($Check) {
        throw "The code in $($drifted -join ' and ') has drifted from the samples. Run 'dotnet pwsh ./build.ps1 snippets' and commit the result."
    }
    else {
        Write-Host "    $($drifted -join ' and ') updated from the sample code ($($used.Count) snippets)."
    }
}
