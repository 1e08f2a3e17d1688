using System;
using System.Collections.Generic;
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
/// <item>while the current token is still valid, the first caller past that time starts one background request and
/// every caller goes on with the current token; only when there is no valid token do callers wait, all of them for one
/// shared request;</item>
/// <item>a request for claims (a Continuous Access Evaluation challenge) acquires a token with them; the next request
/// without claims asks the credential again, whose own cache (MSAL's) holds the token it issued for the claims.</item>
/// </list>
/// </summary>
/// <remarks>
/// <para>
/// A credential may ignore its cancellation token and never answer (a hung managed identity endpoint, a CLI waiting on a
/// prompt). So the credential is asked on the thread pool, never on a caller's thread, and every caller waits for the
/// shared request only as long as its own token allows (the attempt's budget: attempt timeout, total timeout, the
/// caller's token). A request nobody waits for any more is given up: its token is cancelled, and the next caller asks
/// the credential again instead of waiting for an answer that may never come. At most
/// <see cref="MaxUnansweredRequests"/> requests may be unanswered by the credential at once; past that, callers wait
/// (within their own budget) for the credential to return from one of them rather than pile up more.
/// </para>
/// <para>
/// A failed request is not cached: the next caller asks the credential again. A failed background refresh (or one
/// unanswered after <see cref="BackgroundRefreshRetryDelay"/>) keeps the current token and is tried again after
/// <see cref="BackgroundRefreshRetryDelay"/>, or at once after a timeout.
/// </para>
/// </remarks>
internal sealed class AccessTokenCache
{
    /// <summary>How long before it expires a token without <see cref="AccessToken.RefreshOn"/> is refreshed (Azure.Core's, and MSAL's, 5 minutes).</summary>
    internal static readonly TimeSpan DefaultRefreshOffset = TimeSpan.FromMinutes(5);

    /// <summary>How long a background refresh may take, and how long after a failed one the next is tried (Azure.Core's 30 seconds).</summary>
    internal static readonly TimeSpan BackgroundRefreshRetryDelay = TimeSpan.FromSeconds(30);

    /// <summary>The most token requests the credential may leave unanswered before the cache stops asking it more.</summary>
    internal const int MaxUnansweredRequests = 4;

    private readonly TokenCredential _credential;
    private readonly string[] _scopes;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly object _sync = new();
    private readonly List<Request> _unanswered = []; // under _sync; the requests whose credential call has not returned, oldest first
    private TaskCompletionSource _answered = NewSignal(); // under _sync; completes when the credential returns from any request
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
        Wait,
        WaitForAnAnswer,
    }

    /// <summary>The credential, named in errors.</summary>
    public TokenCredential Credential => _credential;

    /// <summary>How many requests to the credential have not returned (given up on or not).</summary>
    internal int UnansweredRequests
    {
        get
        {
            lock (_sync)
            {
                return _unanswered.Count;
            }
        }
    }

    public static AccessTokenCache? Create(ImageServiceClientOptions options, TimeProvider timeProvider, ILogger logger) =>
        options.Credential is null ? null : new AccessTokenCache(options.Credential, options.Scopes.ToArray(), timeProvider, logger);

    /// <summary>Returns a valid token for <paramref name="claims"/> (null: none), from the cache when it can.</summary>
    /// <param name="claims">The decoded claims of a CAE challenge, or null.</param>
    /// <param name="parentRequestId">The <c>x-ms-client-request-id</c> of the request, passed to the credential for correlation.</param>
    /// <param name="cancellationToken">Stops waiting; the request to the credential goes on while another caller waits for it.</param>
    /// <exception cref="Exception">Whatever the credential threw (a cancellation of its own included).</exception>
    /// <exception cref="ImageServiceException">The credential returned a token that cannot be sent.</exception>
    public async ValueTask<string> GetTokenAsync(string? claims, string? parentRequestId, CancellationToken cancellationToken)
    {
        while (true)
        {
            (State state, Step step, Request? waitFor, Task? answered) = NextStep(claims, parentRequestId);
            switch (step)
            {
                case Step.UseCurrent:
                    return state.Current.Task.Result.Value;

                case Step.WaitForAnAnswer:
                    // The credential has too many requests unanswered: ask again once it returns from one.
                    await answered!.WaitAsync(cancellationToken).ConfigureAwait(false);
                    break;

                default:
                    try
                    {
                        return (await waitFor!.Task.WaitAsync(cancellationToken).ConfigureAwait(false)).Value;
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && waitFor!.Task.IsCanceled)
                    {
                        // The request was given up on before this caller joined it: ask again.
                    }
                    finally
                    {
                        Leave(waitFor!);
                    }

                    break;
            }
        }
    }

    private (State State, Step Step, Request? WaitFor, Task? Answered) NextStep(string? claims, string? parentRequestId)
    {
        DateTimeOffset now = _timeProvider.GetUtcNow();
        State? state = Volatile.Read(ref _state);
        if (state is not null && state.Claims == claims && state.CanServeAsIs(now))
        {
            return (state, Step.UseCurrent, null, null);
        }

        lock (_sync)
        {
            state = _state;
            if (state is null || state.Claims != claims)
            {
                return Acquire(claims, parentRequestId);
            }

            if (!state.Current.Task.IsCompleted)
            {
                return state.Current.GivenUp ? Acquire(claims, parentRequestId) : Join(state, state.Current);
            }

            if (state.Background is { Task.IsCompletedSuccessfully: true } done && done.Task.Result.ExpiresOn > now)
            {
                state = new State(claims, done, background: null); // the background refresh is done: its token is current
                _state = state;
            }

            if (!state.Current.Task.IsCompletedSuccessfully || now >= state.Current.Task.Result.ExpiresOn)
            {
                return Acquire(claims, parentRequestId);
            }

            if (now >= state.Current.Task.Result.RefreshOn && state.Background is null && _unanswered.Count < MaxUnansweredRequests)
            {
                var background = new Request(background: true);
                state = new State(claims, state.Current, background);
                _state = state;
                Start(background, claims, parentRequestId, state.Current.Task.Result);
                return (state, Step.UseCurrent, null, null); // the current token serves while the refresh runs
            }

            return (state, Step.UseCurrent, null, null);
        }
    }

    /// <summary>Under <see cref="_sync"/>: a new shared request, or, when the credential has too many unanswered, a wait for one of them to return.</summary>
    private (State State, Step Step, Request? WaitFor, Task? Answered) Acquire(string? claims, string? parentRequestId)
    {
        if (_unanswered.Count >= MaxUnansweredRequests)
        {
            return (_state!, Step.WaitForAnAnswer, null, _answered.Task);
        }

        var request = new Request(background: false);
        var state = new State(claims, request, background: null);
        _state = state;
        Start(request, claims, parentRequestId, fallback: null);
        return Join(state, request);
    }

    private static (State State, Step Step, Request? WaitFor, Task? Answered) Join(State state, Request request)
    {
        request.Waiters++;
        return (state, Step.Wait, request, null);
    }

    /// <summary>A caller stops waiting; when the last one does, a request still unanswered is given up on.</summary>
    private void Leave(Request request)
    {
        lock (_sync)
        {
            request.Waiters--;
            if (request.Waiters > 0 || request.Task.IsCompleted || request.GivenUp)
            {
                return;
            }

            request.GivenUp = true;
            request.Cancellation.Cancel(); // a credential that honours its token stops; one that does not stays counted in _unanswered
        }
    }

    /// <summary>Under <see cref="_sync"/>: counts the request as unanswered and asks the credential on the thread pool.</summary>
    private void Start(Request request, string? claims, string? parentRequestId, CachedToken? fallback)
    {
        _unanswered.Add(request);
        _ = Task.Run(() => RunAsync(request, claims, parentRequestId, fallback), CancellationToken.None);
    }

    private async Task RunAsync(Request request, string? claims, string? parentRequestId, CachedToken? fallback)
    {
        var context = new TokenRequestContext(_scopes, parentRequestId, claims, tenantId: null, isCaeEnabled: true);

        // On a thread of its own: a credential that blocks its caller must not keep this method from giving up on it.
        Task<(AccessToken Token, Exception? Failure)> asking = Task.Run(() => AskAsync(request, context), CancellationToken.None);
        (AccessToken Token, Exception? Failure) answer;
        try
        {
            answer = request.Background
                ? await asking.WaitAsync(BackgroundRefreshRetryDelay, _timeProvider).ConfigureAwait(false)
                : await asking.WaitAsync(request.Cancellation.Token).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            request.Cancellation.Cancel();
            answer = (default, ex);
        }
        catch (OperationCanceledException)
        {
            request.Source.TrySetCanceled(); // given up on: nobody waits for it
            return;
        }

        if (answer.Failure is null)
        {
            try
            {
                request.Source.TrySetResult(Accept(answer.Token, claims, request.Background));
                return;
            }
            catch (ImageServiceException invalid)
            {
                answer = (default, invalid);
            }
        }

        if (fallback is not null)
        {
            // Keep serving the current token; try again at once after a timeout, or after the retry delay after an error.
            DateTimeOffset now = _timeProvider.GetUtcNow();
            DateTimeOffset retryAt = answer.Failure is TimeoutException or OperationCanceledException ? now : now + BackgroundRefreshRetryDelay;
            request.Source.TrySetResult(fallback with { RefreshOn = retryAt });
            Log.BackgroundTokenRefreshFailed(_logger, _credential.GetType().Name, fallback.ExpiresOn, answer.Failure!);
        }
        else
        {
            request.Source.TrySetException(answer.Failure!); // observed by every waiter
        }
    }

    /// <summary>The credential's answer or failure, never faulted; the request stops counting as unanswered when the credential returns.</summary>
    private async Task<(AccessToken Token, Exception? Failure)> AskAsync(Request request, TokenRequestContext context)
    {
        try
        {
            return (await _credential.GetTokenAsync(context, request.Cancellation.Token).ConfigureAwait(false), null);
        }
        catch (Exception ex)
        {
            return (default, ex);
        }
        finally
        {
            TaskCompletionSource answered;
            lock (_sync)
            {
                _unanswered.Remove(request);
                answered = _answered;
                _answered = NewSignal();
            }

            answered.SetResult();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <exception cref="ImageServiceException">The token cannot be sent in a header: never cached, never shown.</exception>
    private CachedToken Accept(AccessToken token, string? claims, bool background)
    {
        if (!IsSendable(token.Token))
        {
            throw new ImageServiceException(
                $"The credential {_credential.GetType().Name} returned an invalid access token (empty, or with a character a header cannot carry such as CR, LF or NUL); the token is not shown. Check the credential.");
        }

        DateTimeOffset refreshOn = token.RefreshOn
            ?? (token.ExpiresOn - DateTimeOffset.MinValue > DefaultRefreshOffset ? token.ExpiresOn - DefaultRefreshOffset : token.ExpiresOn);
        Log.TokenAcquired(_logger, token.ExpiresOn, refreshOn, claims is not null, background);
        return new CachedToken(token.Token, token.ExpiresOn, refreshOn);
    }

    /// <summary>A bearer token (RFC 6750's token68, and what credentials issue) is visible ASCII: no space, no control character.</summary>
    private static bool IsSendable(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return false;
        }

        foreach (char c in token)
        {
            if (c is <= ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    private sealed record CachedToken(string Value, DateTimeOffset ExpiresOn, DateTimeOffset RefreshOn);

    /// <summary>One request to the credential, shared by every caller that waits for it.</summary>
    private sealed class Request
    {
        public Request(bool background) => Background = background;

        public bool Background { get; }

        public TaskCompletionSource<CachedToken> Source { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<CachedToken> Task => Source.Task;

        /// <summary>The credential's token: cancelled when the request is given up on. Has no timer, so it needs no disposal.</summary>
        public CancellationTokenSource Cancellation { get; } = new();

        /// <summary>Callers waiting for the request (under the cache's lock).</summary>
        public int Waiters { get; set; }

        /// <summary>Nobody waits for it any more (under the cache's lock): the next caller asks again.</summary>
        public bool GivenUp { get; set; }
    }

    /// <summary>The current token (or the request for it) and the background refresh, if one was started, for one set of claims.</summary>
    private sealed class State
    {
        public State(string? claims, Request current, Request? background)
        {
            Claims = claims;
            Current = current;
            Background = background;
        }

        public string? Claims { get; }

        public Request Current { get; }

        public Request? Background { get; }

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
