using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace ImageService.Client.IntegrationTests.Faults;

/// <summary>The SDK operations of the matrix; each is one logical call (one <c>x-ms-client-request-id</c>).</summary>
public enum MatrixOperation
{
    /// <summary><c>GetImageAsync</c> (GET).</summary>
    Get,

    /// <summary>The first page of <c>ListImagesAsync</c> (GET).</summary>
    List,

    /// <summary><c>StartCreateImageAsync</c> (POST).</summary>
    Create,

    /// <summary><c>GetOperationAsync</c> (GET of the operation).</summary>
    Poll,

    /// <summary><c>UpdateTagsAsync</c> (PATCH).</summary>
    Patch,

    /// <summary><c>DeleteImageAsync</c> (DELETE).</summary>
    Delete,
}

/// <summary>What the caller sees.</summary>
public enum MatrixOutcome
{
    /// <summary>The call returns normally (after the retries the policy allows).</summary>
    Succeeds,

    /// <summary>The call throws <see cref="ImageServiceException"/>.</summary>
    TypedError,
}

/// <summary>One cell: the documented outcome, how many HTTP attempts the server sees, and whether the change happened.</summary>
/// <param name="Fault">The emulator fault kind, injected once (first attempt only) with <c>x-emulator-fault-once</c>.</param>
/// <param name="Operation">The SDK operation.</param>
/// <param name="Outcome">What the caller sees.</param>
/// <param name="Attempts">HTTP attempts of the call (2 = one retry).</param>
/// <param name="Changed">For create, patch and delete: whether the store shows the change once (never twice); reads: false.</param>
public sealed record FaultCell(string Fault, MatrixOperation Operation, MatrixOutcome Outcome, int Attempts, bool Changed)
{
    public override string ToString() => $"{Fault} x {Operation}";
}

/// <summary>
/// The one table of expected outcomes under faults (README.md, "Reliability", shows the same table; a test keeps them
/// equal). The policy: GET and DELETE retry every transient failure (408, 429, 5xx, transport errors, attempt
/// timeouts); POST (create) and PATCH retry only where the server cannot have acted (429, 503, a connection refused
/// before sending), so a 500, a timeout or a dropped connection after sending surfaces as a typed error and never
/// creates a duplicate or applies a patch twice. A body that cannot be read is never retried.
/// </summary>
public static class FaultMatrix
{
    public const string Latency = "latency:60000"; // a stall the matrix's AttemptTimeout cuts short (the emulator stops waiting when the client aborts)

    public static readonly string[] Faults = ["429", "503", "500", "500-after", "drop", "drop-after", Latency, "malformed", "truncate"];

    private const MatrixOutcome Ok = MatrixOutcome.Succeeds;
    private const MatrixOutcome Error = MatrixOutcome.TypedError;

    public static IReadOnlyList<FaultCell> Expected { get; } =
    [
        // GET image: every transient fault is retried; an unreadable body is not.
        new("429", MatrixOperation.Get, Ok, 2, false),
        new("503", MatrixOperation.Get, Ok, 2, false),
        new("500", MatrixOperation.Get, Ok, 2, false),
        new("500-after", MatrixOperation.Get, Ok, 2, false),
        new("drop", MatrixOperation.Get, Ok, 2, false),
        new("drop-after", MatrixOperation.Get, Ok, 2, false),
        new(Latency, MatrixOperation.Get, Ok, 2, false),
        new("malformed", MatrixOperation.Get, Error, 1, false),
        new("truncate", MatrixOperation.Get, Error, 1, false),

        // List (first page): as GET.
        new("429", MatrixOperation.List, Ok, 2, false),
        new("503", MatrixOperation.List, Ok, 2, false),
        new("500", MatrixOperation.List, Ok, 2, false),
        new("500-after", MatrixOperation.List, Ok, 2, false),
        new("drop", MatrixOperation.List, Ok, 2, false),
        new("drop-after", MatrixOperation.List, Ok, 2, false),
        new(Latency, MatrixOperation.List, Ok, 2, false),
        new("malformed", MatrixOperation.List, Error, 1, false),
        new("truncate", MatrixOperation.List, Error, 1, false),

        // Create (POST, not idempotent): retried only on 429 and 503; one image at most, whatever happens.
        new("429", MatrixOperation.Create, Ok, 2, true),
        new("503", MatrixOperation.Create, Ok, 2, true),
        new("500", MatrixOperation.Create, Error, 1, false),
        new("500-after", MatrixOperation.Create, Error, 1, true),
        new("drop", MatrixOperation.Create, Error, 1, false),
        new("drop-after", MatrixOperation.Create, Error, 1, true),
        new(Latency, MatrixOperation.Create, Error, 1, false),
        new("malformed", MatrixOperation.Create, Error, 1, true),
        new("truncate", MatrixOperation.Create, Ok, 1, true), // the 202 status and Operation-Location arrive; the SDK reads no body

        // Poll (GET of the operation): as GET.
        new("429", MatrixOperation.Poll, Ok, 2, false),
        new("503", MatrixOperation.Poll, Ok, 2, false),
        new("500", MatrixOperation.Poll, Ok, 2, false),
        new("500-after", MatrixOperation.Poll, Ok, 2, false),
        new("drop", MatrixOperation.Poll, Ok, 2, false),
        new("drop-after", MatrixOperation.Poll, Ok, 2, false),
        new(Latency, MatrixOperation.Poll, Ok, 2, false),
        new("malformed", MatrixOperation.Poll, Error, 1, false),
        new("truncate", MatrixOperation.Poll, Error, 1, false),

        // Patch (PATCH of /kvTags): as create; the tag map changes once or not at all.
        new("429", MatrixOperation.Patch, Ok, 2, true),
        new("503", MatrixOperation.Patch, Ok, 2, true),
        new("500", MatrixOperation.Patch, Error, 1, false),
        new("500-after", MatrixOperation.Patch, Error, 1, true),
        new("drop", MatrixOperation.Patch, Error, 1, false),
        new("drop-after", MatrixOperation.Patch, Error, 1, true),
        new(Latency, MatrixOperation.Patch, Error, 1, false),
        new("malformed", MatrixOperation.Patch, Error, 1, true),
        new("truncate", MatrixOperation.Patch, Error, 1, true),

        // Delete (idempotent): retried like GET; the image is gone either way.
        new("429", MatrixOperation.Delete, Ok, 2, true),
        new("503", MatrixOperation.Delete, Ok, 2, true),
        new("500", MatrixOperation.Delete, Ok, 2, true),
        new("500-after", MatrixOperation.Delete, Ok, 2, true),
        new("drop", MatrixOperation.Delete, Ok, 2, true),
        new("drop-after", MatrixOperation.Delete, Ok, 2, true),
        new(Latency, MatrixOperation.Delete, Ok, 2, true),
        new("malformed", MatrixOperation.Delete, Ok, 1, true),
        new("truncate", MatrixOperation.Delete, Ok, 1, true),
    ];

    public static IEnumerable<object[]> Cells => Expected.Select(c => new object[] { c.Fault, c.Operation });

    public static FaultCell Find(string fault, MatrixOperation operation) => Expected.Single(c => c.Fault == fault && c.Operation == operation);

    /// <summary>The table as README.md shows it: a row per fault, a column per operation.</summary>
    public static string ToMarkdown()
    {
        var operations = Enum.GetValues<MatrixOperation>();
        var text = new StringBuilder();
        text.Append("| Fault (first attempt) |");
        foreach (MatrixOperation operation in operations)
        {
            text.Append(' ').Append(operation.ToString().ToLowerInvariant()).Append(" |");
        }

        text.Append('\n').Append("|---|").Append(string.Concat(operations.Select(_ => "---|"))).Append('\n');
        foreach (string fault in Faults)
        {
            text.Append("| `").Append(fault).Append("` |");
            foreach (MatrixOperation operation in operations)
            {
                FaultCell cell = Find(fault, operation);
                string outcome = cell.Outcome == MatrixOutcome.Succeeds
                    ? (cell.Attempts > 1 ? "retried, succeeds" : "succeeds")
                    : "`ImageServiceException`";
                string change = operation switch
                {
                    MatrixOperation.Create => cell.Changed ? ", 1 image" : ", no image",
                    MatrixOperation.Patch => cell.Changed ? ", applied once" : ", not applied",
                    _ => string.Empty,
                };
                text.Append(' ').Append(outcome).Append(change).Append(" |");
            }

            text.Append('\n');
        }

        return text.ToString();
    }
}
