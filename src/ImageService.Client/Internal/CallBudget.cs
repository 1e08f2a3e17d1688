using System;
using System.Net.Http;

namespace ImageService.Client.Internal;

/// <summary>
/// When a request's total budget (<see cref="ImageServiceClientOptions.TotalRequestTimeout"/>) started: stamped as the
/// request enters the resilience pipeline, read by the retry strategy to tell whether a delay the server asks for
/// still fits in what is left.
/// </summary>
internal static class CallBudget
{
    private static readonly HttpRequestOptionsKey<long> s_startKey = new("ImageService.BudgetStart");

    public static void Start(HttpRequestMessage request, TimeProvider timeProvider) =>
        request.Options.Set(s_startKey, timeProvider.GetTimestamp());

    /// <summary>What is left of <paramref name="total"/> for <paramref name="request"/>; null if it was never started.</summary>
    public static TimeSpan? Remaining(HttpRequestMessage? request, TimeSpan total, TimeProvider timeProvider) =>
        request is not null && request.Options.TryGetValue(s_startKey, out long start)
            ? total - timeProvider.GetElapsedTime(start)
            : null;
}
