using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;
using ImageService.Client.Diagnostics;
using Microsoft.Extensions.Logging;

namespace ImageService.Client.Internal;

/// <summary>
/// The token cache of one client registration, with the semantics of Azure.Core's <c>BearerTokenAuthenticationPolicy</c>:
/// <list type="bullet">
/// <item>a token is refreshed from its <see cref="AccessToken.RefreshOn"/> when the credential sets one, else from
/// <see cref="DefaultRefreshOffset"/> before it expires;</item>
/// <item>while the current token is still valid, the first caller past that time starts one background acquisition and
/// every caller goes on with the current token; only when there is no valid token do callers wait, all of them for one
/// shared acquisition;</item>
/// <item>a request for claims (a Continuous Access Evaluation challenge) acquires a token with them; the next request
/// without claims asks the credential again, whose own cache (MSAL's) holds the token it issued for the claims.</item>
/// </list>
/// </summary>
/// <remarks>
/// A failed acquisition is not cached: the next caller asks the credential again. A failed background refresh keeps the
/// current token and tries again after <see cref="BackgroundRefreshRetryDelay"/>. The shared acquisition runs on the
/// cancellation token of the caller that started it; if that caller gives up, a waiting caller starts it again.
/// </remarks>
internal sealed class AccessTokenCache
{
    /// <summary>How long before it expires a token without <see cref="AccessToken.RefreshOn"/> is refreshed (Azure.Core's, and MSAL's, 5 minutes).</summary>
    internal static readonly TimeSpan DefaultRefreshOffset = TimeSpan.FromMinutes(5);

    /// <summary>How long a background refresh may take, and how long after a failed one the next is tried (Azure.Core's 30 seconds).</summary>
    internal static readonly TimeSpan BackgroundRefreshRetryDelay = TimeSpan.FromSeconds(30);

    private readonly TokenCredential _credential;
    private readonly string[] _scopes;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly object _sync = new();
    private State? _state; // replaced, never mutated, under _sync; read without it on the fast path

    public AccessTokenCache(TokenCredential credential, string[] scopes, TimeProvider timeProvider, ILogger logger)
    {
        _credential = credential;
        _scopes = scopes;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    private enum Step
    {
        UseCurrent,
        RefreshInBackground,
        Acquire,
        Wait,
    }

    /// <summary>The credential, named in errors.</summary>
    public TokenCredential Credential => _credential;

    public static AccessTokenCache? Create(ImageServiceClientOptions options, TimeProvider timeProvider, ILogger logger) =>
        options.Credential is null ? null : new AccessTokenCache(options.Credential, options.Scopes.ToArray(), timeProvider, logger);

    /// <summary>Returns a valid token for <paramref name="claims"/> (null: none), from the cache when it can.</summary>
    /// <param name="claims">The decoded claims of a CAE challenge, or null.</param>
    /// <param name="parentRequestId">The <c>x-ms-client-request-id</c> of the request, passed to the credential for correlation.</param>
    /// <param name="cancellationToken">Stops waiting; also stops the acquisition if this caller started it.</param>
    /// <exception cref="Exception">Whatever the credential threw.</exception>
    public async ValueTask<string> GetTokenAsync(string? claims, string? parentRequestId, CancellationToken cancellationToken)
    {
        while (true)
        {
            (State state, Step step) = NextStep(claims);
            switch (step)
            {
                case Step.UseCurrent:
                    return state.Current.Task.Result.Value;

                case Step.RefreshInBackground:
                    CachedToken current = state.Current.Task.Result;
                    TaskCompletionSource<CachedToken> background = state.Background!;
                    _ = Task.Run(() => RefreshInBackgroundAsync(background, current, claims, parentRequestId), CancellationToken.None);
                    return current.Value;

                case Step.Acquire:
                    // The caller that starts the shared acquisition sees its own outcome, cancellation included.
                    await AcquireAsync(state.Current, claims, parentRequestId, cancellationToken).ConfigureAwait(false);
                    return (await state.Current.Task.ConfigureAwait(false)).Value;

                default:
                    try
                    {
                        return (await state.Current.Task.WaitAsync(cancellationToken).ConfigureAwait(false)).Value;
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && state.Current.Task.IsCanceled)
                    {
                        // The caller that was acquiring gave up: start again (this caller acquires, unless another did first).
                    }

                    break;
            }
        }
    }

    private (State State, Step Step) NextStep(string? claims)
    {
        DateTimeOffset now = _timeProvider.GetUtcNow();
        State? state = Volatile.Read(ref _state);
        if (state is not null && state.Claims == claims && state.CanServeAsIs(now))
        {
            return (state, Step.UseCurrent);
        }

        lock (_sync)
        {
            state = _state;
            if (state is null || state.Claims != claims)
            {
                return Publish(new State(claims, NewSource(), background: null), Step.Acquire);
            }

            if (!state.Current.Task.IsCompleted)
            {
                return (state, Step.Wait);
            }

            if (state.Background is { Task.IsCompletedSuccessfully: true } done && done.Task.Result.ExpiresOn > now)
            {
                state = new State(claims, done, background: null); // the background refresh is done: its token is current
                _state = state;
            }

            if (!state.Current.Task.IsCompletedSuccessfully || now >= state.Current.Task.Result.ExpiresOn)
            {
                return Publish(new State(claims, NewSource(), background: null), Step.Acquire);
            }

            if (now >= state.Current.Task.Result.RefreshOn && state.Background is null)
            {
                return Publish(new State(claims, state.Current, NewSource()), Step.RefreshInBackground);
            }

            return (state, Step.UseCurrent);
        }
    }

    private (State State, Step Step) Publish(State state, Step step)
    {
        _state = state;
        return (state, step);
    }

    private async Task AcquireAsync(TaskCompletionSource<CachedToken> target, string? claims, string? parentRequestId, CancellationToken cancellationToken)
    {
        try
        {
            target.SetResult(await RequestTokenAsync(claims, parentRequestId, background: false, cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            target.SetCanceled(cancellationToken);
        }
        catch (Exception ex)
        {
            target.SetException(ex); // observed by every waiter, and by the caller right after this
        }
    }

    private async Task RefreshInBackgroundAsync(TaskCompletionSource<CachedToken> target, CachedToken current, string? claims, string? parentRequestId)
    {
        using var timeout = new CancellationTokenSource(BackgroundRefreshRetryDelay, _timeProvider);
        try
        {
            target.SetResult(await RequestTokenAsync(claims, parentRequestId, background: true, timeout.Token).ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            // Keep serving the current token; try again at once after a timeout, or after the retry delay after an error.
            DateTimeOffset now = _timeProvider.GetUtcNow();
            DateTimeOffset retryAt = timeout.IsCancellationRequested ? now : now + BackgroundRefreshRetryDelay;
            target.SetResult(current with { RefreshOn = retryAt });
            Log.BackgroundTokenRefreshFailed(_logger, _credential.GetType().Name, current.ExpiresOn, ex);
        }
    }

    private async Task<CachedToken> RequestTokenAsync(string? claims, string? parentRequestId, bool background, CancellationToken cancellationToken)
    {
        var context = new TokenRequestContext(_scopes, parentRequestId, claims, tenantId: null, isCaeEnabled: true);
        AccessToken token = await _credential.GetTokenAsync(context, cancellationToken).ConfigureAwait(false);
        DateTimeOffset refreshOn = token.RefreshOn
            ?? (token.ExpiresOn - DateTimeOffset.MinValue > DefaultRefreshOffset ? token.ExpiresOn - DefaultRefreshOffset : token.ExpiresOn);
        Log.TokenAcquired(_logger, token.ExpiresOn, refreshOn, claims is not null, background);
        return new CachedToken(token.Token, token.ExpiresOn, refreshOn);
    }

    private static TaskCompletionSource<CachedToken> NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed record CachedToken(string Value, DateTimeOffset ExpiresOn, DateTimeOffset RefreshOn);

    /// <summary>The current token (or its acquisition) and the background refresh, if one was started, for one set of claims.</summary>
    private sealed class State
    {
        public State(string? claims, TaskCompletionSource<CachedToken> current, TaskCompletionSource<CachedToken>? background)
        {
            Claims = claims;
            Current = current;
            Background = background;
        }

        public string? Claims { get; }

        public TaskCompletionSource<CachedToken> Current { get; }

        public TaskCompletionSource<CachedToken>? Background { get; }

        /// <summary>True when the current token is valid and nothing needs to change: no refresh due, none to take over.</summary>
        public bool CanServeAsIs(DateTimeOffset now)
        {
            if (!Current.Task.IsCompletedSuccessfully)
            {
                return false;
            }

            CachedToken current = Current.Task.Result;
            if (now >= current.ExpiresOn)
            {
                return false;
            }

            return Background is null
                ? now < current.RefreshOn
                : !Background.Task.IsCompletedSuccessfully; // a refresh is running (or failed and was replaced): keep the current token
        }
    }
}
