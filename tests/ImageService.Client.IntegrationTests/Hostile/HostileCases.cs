using System;
using System.Collections.Generic;
using System.Text;

namespace ImageService.Client.IntegrationTests.Hostile;

/// <summary>One row of README's hostile-server table: what the server does, what the caller sees, and the tests that prove it.</summary>
/// <param name="Server">What the server (or the caller's input) does.</param>
/// <param name="Caller">What the caller sees.</param>
/// <param name="Tests">The test class that checks it.</param>
/// <param name="Method">The test method in <paramref name="Tests"/> that checks it (others in the class cover variants).</param>
public sealed record HostileCase(string Server, string Caller, Type Tests, string Method);

/// <summary>
/// The hostile-server cases (issue 13), as README.md's "Reliability" section shows them. A test keeps README equal to
/// this table and checks that every named test exists, so a row cannot outlive the test that backs it.
/// </summary>
public static class HostileCases
{
    public static IReadOnlyList<HostileCase> Expected { get; } =
    [
        new("The body stalls after its first bytes (get, list, a `nextLink` page, a poll)", "`ImageServiceException` (timeout) at `TotalRequestTimeout` or `OperationTimeout`", typeof(StalledBodyTests), nameof(StalledBodyTests.GetImageAsync_BodyStallsOrTrickles_EndsWithImageServiceExceptionWithinTheTotalTimeout)),
        new("The body stalls and the caller cancels", "`OperationCanceledException` at once", typeof(StalledBodyTests), nameof(StalledBodyTests.GetImageAsync_BodyStallsAndTheCallerCancels_EndsWithOperationCanceledExceptionSoonAfter)),
        new("The body trickles a byte at a time (get, list, patch, an error body, a poll)", "`ImageServiceException` at the attempt, total or operation timeout; a patch is never resent", typeof(StalledBodyTests), nameof(StalledBodyTests.UpdateTagsAsync_BodyTrickles_EndsWithImageServiceExceptionAfterOneAttempt)),
        new("`503` with `x-ms-retry-after-ms: 1e20` or `Infinity`", "retried after `MaxDelay`, then `ImageServiceException`, status 503", typeof(TypedFailureTests), nameof(TypedFailureTests.GetImageAsync_503WithRetryAfterMsPastTimeSpan_RetriesAtMaxDelayThenThrowsImageServiceException)),
        new("`503` with `Retry-After` (or `x-ms-retry-after-ms`) longer than what is left of `TotalRequestTimeout`", "`ImageServiceException`, status 503, at once, saying the server asked to wait longer than the budget left; no retry", typeof(RetryBudgetTests), nameof(RetryBudgetTests.GetImageAsync_503AskingForADelayPastTheTotalBudget_ThrowsTheAnswerWithoutWaiting)),
        new("Every call fails (`503`), many calls in a row", "each call retried, then `ImageServiceException`, status 503; with `CircuitBreakerEnabled`, calls fail at once for `CircuitBreakerBreakDuration` once the circuit opens", typeof(CircuitBreakerTests), nameof(CircuitBreakerTests.GetImageAsync_ServiceFailsEveryCall_EveryCallReachesItUnlessTheBreakerIsOn)),
        new("A poll answers `Running` with `Retry-After: 4294968` or a far-future date", "next poll after `MaxDelay` (at least `MinimumPollingInterval`), never past `OperationTimeout`", typeof(TypedFailureTests), nameof(TypedFailureTests.WaitForCompletionAsync_PollAsksForADelayPastTaskDelay_PollsAgainAfterACappedDelayAndCompletes)),
        new("A poll answers `Retry-After: 0`, a past date or `x-ms-retry-after-ms: 0`", "at most one poll per `MinimumPollingInterval` (1 s)", typeof(PollingFloorTests), nameof(PollingFloorTests.WaitForCompletionAsync_ServerAsksToPollAgainAtOnce_PollsAtMostOncePerMinimumPollingInterval)),
        new("`\"createdTime\": \"/Date(99999999999999999)/\"`", "`ImageServiceException` naming the field, not retried", typeof(TypedFailureTests), nameof(TypedFailureTests.GetImageAsync_CreatedTimePastYear9999_ThrowsImageServiceExceptionNamingTheField)),
        new("`Content-Encoding: gzip`, `br` or `deflate` on a body that is not", "`ImageServiceException`, not retried", typeof(TypedFailureTests), nameof(TypedFailureTests.GetImageAsync_ContentEncodingTheBodyDoesNotHave_ThrowsImageServiceException)),
        new("A `nextLink` that is not http or https (`ftp:`, `file:`)", "`ImageServiceException` for that page", typeof(TypedFailureTests), nameof(TypedFailureTests.ListImagesAsync_NextLinkThatIsNotHttp_ThrowsImageServiceExceptionAfterTheFirstPage)),
        new("A page `{\"value\":[null]}`, or a page that is not a JSON object", "`ImageServiceException`", typeof(PageAndOperationLocationTests), nameof(PageAndOperationLocationTests.ListImagesAsync_PageWithANullItemOrNotAnObject_ThrowsImageServiceException)),
        new("`Operation-Location` on another origin", "`ImageServiceException` with `OperationId`: resume with `GetCreateImageOperation`", typeof(PageAndOperationLocationTests), nameof(PageAndOperationLocationTests.StartCreateImageAsync_OperationLocationOnForeignOrigin_ThrowsWithTheOperationIdAndResumesOnTheEndpoint)),
        new("An error response", "`ImageServiceException` whose inner exceptions are all public types", typeof(InnerExceptionTests), nameof(InnerExceptionTests.GetImageAsync_AnyFailedResponse_HasOnlyPublicTypesAsInnerExceptions)),
        new("The caller passes the id `.` or `..`", "`ArgumentException` before any request; any other id is sent escaped in its own segment", typeof(DotIdTests), nameof(DotIdTests.ImageCalls_DotSegmentId_ThrowArgumentExceptionAndSendNothing)),
        new("A tag or property filter with `,`, or `=` in a key", "`ArgumentException` naming the entry, before any request", typeof(FilterTests), nameof(FilterTests.ListImagesAsync_FilterTheGrammarCannotExpress_ThrowsArgumentExceptionNamingTheEntry)),
        new("300 concurrent `AddTagsAsync` / `RemoveTagsAsync` on distinct keys", "every acknowledged change kept (one JSON Patch operation per key)", typeof(TagConcurrencyTests), nameof(TagConcurrencyTests.AddTagsAsyncAndRemoveTagsAsync_300ConcurrentCallsOnDistinctKeys_EveryAcknowledgedChangeIsKept)),
        new("The host adds `AddStandardResilienceHandler` or a plain retrying handler to every `HttpClient` (or one to the SDK's); a create or a patch gets a 500, a reset or no answer", "`ImageServiceException` (the service's own 500 answer, or the failure); the create or patch reached the wire once; a GET is still retried as documented", typeof(HostResilienceTests), nameof(HostResilienceTests.CreateAndPatch_HostRetriesEveryClient_ReachTheWireOnceAndThrowImageServiceException)),
        new("The credential never answers, ignoring its cancellation token", "`ImageServiceException` within the call's budget, naming the credential and the timeouts; the next call asks the credential again", typeof(CredentialTests), nameof(CredentialTests.GetImageAsync_CredentialHangsIgnoringItsToken_ThrowsNamingItAndTheBudgetAndTheNextCallAsksAgain)),
        new("The credential returns a token with CR, LF or NUL", "`ImageServiceException` saying the credential returned an invalid token, without showing it; nothing sent", typeof(CredentialTests), nameof(CredentialTests.GetImageAsync_CredentialReturnsATokenWithCrLfOrNul_ThrowsSayingTheTokenIsInvalidWithoutShowingIt)),
        new("The credential throws a `TaskCanceledException` of its own (nobody cancelled the call)", "`ImageServiceException` reporting the credential's failure, with its exception inside", typeof(CredentialTests), nameof(CredentialTests.GetImageAsync_CredentialThrowsItsOwnTaskCanceledException_ThrowsReportingTheCredentialsFailure)),
        new("`AttemptTimeout = 60 s` alone, the circuit breaker off", "the client starts: breaker-only options are checked only with `CircuitBreakerEnabled`", typeof(HostConfigurationTests), nameof(HostConfigurationTests.GetImageAsync_AttemptTimeoutOf60sAloneWithTheBreakerOff_ClientStartsAndCalls)),
        new("A keep-alive connection on which one response too many was written: each request gets the answer of the one before", "`ImageServiceException` naming the resource asked for and the one that answered (get, patch, tags, delete, poll, profile); the connection is closed and the next call gets its own answer on a new one", typeof(AnswerIdentityTests), nameof(AnswerIdentityTests.Call_AnswerNamesAnotherResource_ThrowsAndTheNextCallGetsItsOwnAnswerOnANewConnection)),
    ];

    /// <summary>The table as README.md shows it.</summary>
    public static string ToMarkdown()
    {
        var text = new StringBuilder();
        text.Append("| Hostile server or input | What the caller sees | Test |\n|---|---|---|\n");
        foreach (HostileCase row in Expected)
        {
            text.Append("| ").Append(row.Server).Append(" | ").Append(row.Caller).Append(" | `").Append(row.Tests.Name).Append("` |\n");
        }

        return text.ToString();
    }
}
