using System;
using System.Collections.Generic;

namespace ImageService.Emulator;

/// <summary>A read-only snapshot of an image held by the emulator.</summary>
/// <param name="Id">The id, <c>name:version</c>.</param>
/// <param name="Name">The name.</param>
/// <param name="Version">The version.</param>
/// <param name="CreationState">The build state.</param>
/// <param name="Description">The description.</param>
/// <param name="KvTags">The tags.</param>
/// <param name="Properties">The properties.</param>
/// <param name="ModelIds">The model ids.</param>
/// <param name="OperationId">The id of the operation that built it.</param>
/// <param name="TagHistory">The newest tag maps the image had, oldest first: the create's, then one per patch that changed
/// the tags, at most <see cref="EmulatorOptions.TagHistoryCapacity"/> (held in memory: after a restart with a data file,
/// only the current map).</param>
/// <param name="TagChangeCount">How many tag maps the image has had in all: 1 for its create, plus one per patch that
/// changed its tags (a patch applied twice counts twice).</param>
public sealed record EmulatedImage(
    string Id,
    string Name,
    long Version,
    string CreationState,
    string? Description,
    IReadOnlyDictionary<string, string> KvTags,
    IReadOnlyDictionary<string, string> Properties,
    IReadOnlyList<string> ModelIds,
    string OperationId,
    IReadOnlyList<IReadOnlyDictionary<string, string>> TagHistory,
    long TagChangeCount);

/// <summary>A read-only snapshot of an asynchronous operation.</summary>
/// <param name="Id">The operation id.</param>
/// <param name="OperationType">Image or Profile.</param>
/// <param name="State">The state.</param>
/// <param name="ResourceLocation">The resource it creates.</param>
public sealed record EmulatedOperation(string Id, string OperationType, string State, string ResourceLocation);

/// <summary>A request the emulator received, as sent (including the Authorization header, which is never logged).</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="PathAndQuery">The path and query string.</param>
/// <param name="Headers">The request headers (names are case-insensitive); empty for a request that failed authentication,
/// whose headers are not kept.</param>
/// <param name="StatusCode">The status answered (0 when the connection was dropped before an answer).</param>
/// <param name="Timestamp">When the request arrived.</param>
/// <param name="Authenticated">Whether the request carried the emulator's bearer token.</param>
public sealed record RecordedRequest(
    string Method,
    string PathAndQuery,
    IReadOnlyDictionary<string, string> Headers,
    int StatusCode,
    DateTimeOffset Timestamp,
    bool Authenticated = true);
