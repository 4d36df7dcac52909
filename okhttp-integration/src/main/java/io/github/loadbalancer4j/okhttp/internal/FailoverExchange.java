package io.github.loadbalancer4j.okhttp.internal;

import io.github.loadbalancer4j.Lease;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.NoAvailableInstanceException;
import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.retry.Deadline;
import io.github.loadbalancer4j.retry.DeadlineExceededException;
import io.github.loadbalancer4j.retry.RetryBudget;
import io.github.loadbalancer4j.retry.internal.Failover;
import io.github.resilience4j.retry.MaxRetriesExceededException;
import io.github.resilience4j.retry.Retry;
import java.io.IOException;
import java.io.InterruptedIOException;
import okhttp3.Call;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * A routed request without hedging: sent once, or with failover over the retry module's engine
 * ({@link Failover}), which decides after each attempt; this class only sends, waits on the call's
 * thread (ending the wait when the call is canceled) and shapes the outcome as OkHttp's callers expect
 * it (an {@link IOException}, a response closed once discarded). With a deadline, each attempt's
 * timeouts are cut to the time left ({@link CallDeadlines#cut}).
 *
 * <p>Public for the loadbalancer4j modules; not API. Thread-safe.
 */
public final class FailoverExchange {

    private final FailureStatuses statuses;
    private final InstanceUrls urls;

    /**
     * @param statuses how a response ends a lease
     * @param urls the interceptor's http URL rewriter
     */
    public FailoverExchange(FailureStatuses statuses, InstanceUrls urls) {
        this.statuses = statuses;
        this.urls = urls;
    }

    /**
     * Sends a request once, its timeouts cut to the deadline; a failure once the time is spent says so.
     *
     * @param chain the caller's chain
     * @param request its request
     * @param loadBalancer picks the instance
     * @param pools the route's per-instance pools, or null
     * @param deadline the call's deadline, or null
     * @return the instance's response
     * @throws IOException the attempt's failure, an {@link InterruptedIOException} caused by a
     *     {@link DeadlineExceededException} once the deadline passed, or an {@code IOException} caused by
     *     {@link NoAvailableInstanceException}
     */
    public Response once(Interceptor.Chain chain, Request request, LoadBalancer loadBalancer, @Nullable InstancePools pools,
            @Nullable Deadline deadline) throws IOException {
        try {
            return InstanceAttempt.send(CallDeadlines.cut(chain, deadline), request,
                    acquire(loadBalancer, SelectionContext.empty(), null), statuses, urls, pools, InstanceAttempt.startOf(chain));
        } catch (IOException e) {
            if (deadline != null && deadline.isExpired() && !chain.call().isCanceled()) {
                throw spent(loadBalancer, deadline, 1, e);
            }
            throw e;
        }
    }

    private static IOException spent(LoadBalancer loadBalancer, Deadline deadline, int attempts, IOException failure) {
        return CallDeadlines.asIOException(DeadlineExceededException.createDeadlineExceededException(
                loadBalancer.getName(), deadline.getTimeout(), attempts, failure));
    }

    /**
     * Runs a request with failover.
     *
     * @param chain the caller's chain
     * @param request its request
     * @param loadBalancer picks each attempt's instance
     * @param retry decides what is retried and the backoff
     * @param budget asked before each retry
     * @param pools the route's per-instance pools, or null
     * @param deadline the call's deadline, or null
     * @return the response the Retry accepts, or the last one
     * @throws IOException the last failure, what the Retry threw (wrapped), an {@link InterruptedIOException}
     *     caused by a {@link DeadlineExceededException}, or "Canceled"
     */
    public Response execute(Interceptor.Chain chain, Request request, LoadBalancer loadBalancer, Retry retry,
            RetryBudget budget, @Nullable InstancePools pools, @Nullable Deadline deadline) throws IOException {
        Call call = chain.call();
        long start = InstanceAttempt.startOf(chain);
        Failover<Response> failover = Failover.start(retry, budget, SelectionContext.empty(), deadline, loadBalancer.getName());
        Response previous = null; // a retried response, kept until the next attempt surely runs
        IOException previousFailure = null;
        while (true) {
            Lease lease;
            try {
                lease = acquire(loadBalancer, failover.selection(), previousFailure);
            } catch (IOException noInstance) {
                if (previous != null) {
                    return previous; // nowhere left to go: the caller gets the last answer
                }
                throw noInstance;
            }
            if (previous != null) {
                previous.close();
                previous = null;
            }
            Response response;
            try {
                response = InstanceAttempt.send(CallDeadlines.cut(chain, deadline), request, lease, statuses, urls, pools, start);
            } catch (IOException failure) {
                boolean canceled = call.isCanceled();
                boolean mayMoveOn = !canceled && FailoverRules.mayMoveOn(failure, request);
                if (!mayMoveOn && !canceled && deadline != null && deadline.isExpired()) {
                    throw spent(loadBalancer, deadline, failover.attempts() + 1, failure); // e.g. a POST cut at the deadline
                }
                Failover.Action next = mayMoveOn ? failover.afterFailure(lease.instance(), failure) : failover.end(failure);
                if (next == Failover.Action.THROW) {
                    if (failover.deadlineSpent()) {
                        throw CallDeadlines.asIOException((DeadlineExceededException) failover.failure());
                    }
                    throw failover.decisionFailed() ? undecided(retry, failover.failure(), failure, null) : failure;
                }
                if (!Backoff.await(call, failover.delayMillis())) {
                    throw canceled(failure);
                }
                previousFailure = failure;
                continue;
            }
            boolean mayRepeat = !call.isCanceled() && FailoverRules.isIdempotentAndRepeatable(request);
            Failover.Action next = mayRepeat ? failover.afterResult(lease.instance(), response) : failover.finish();
            if (next == Failover.Action.THROW) {
                throw undecided(retry, failover.failure(), null, response);
            }
            if (next == Failover.Action.RETURN) {
                return response;
            }
            // The instance asked to be left alone and is held out: the next one need not wait for it.
            if (!Backoff.await(call, statuses.holdFor(response).isZero() ? failover.delayMillis() : 0)) {
                response.close();
                throw canceled(null);
            }
            previous = response;
            previousFailure = null;
        }
    }

    /**
     * What the Retry itself threw, as the IOException OkHttp's callers expect: {@code failAfterMaxAttempts}
     * keeps its message; a predicate or interval function that threw says so. A response is closed.
     */
    private static IOException undecided(Retry retry, Throwable thrown, @Nullable IOException failure,
            @Nullable Response response) {
        if (response != null) {
            response.close();
        }
        IOException wrapped = thrown instanceof MaxRetriesExceededException
                ? new IOException(thrown.getMessage(), thrown)
                : new IOException("Retry '" + retry.getName() + "' failed to decide: " + thrown, thrown);
        if (failure != null) {
            wrapped.addSuppressed(failure);
        }
        return wrapped;
    }

    private static Lease acquire(LoadBalancer loadBalancer, SelectionContext selection,
            @Nullable IOException previousFailure) throws IOException {
        try {
            return loadBalancer.acquire(selection);
        } catch (NoAvailableInstanceException e) {
            if (previousFailure != null) {
                previousFailure.addSuppressed(e);
                throw previousFailure;
            }
            throw new IOException(e.getMessage(), e);
        }
    }

    private static IOException canceled(@Nullable IOException failure) {
        IOException canceled = Thread.currentThread().isInterrupted()
                ? new InterruptedIOException("interrupted while waiting to retry") : new IOException("Canceled");
        if (failure != null) {
            canceled.addSuppressed(failure);
        }
        return canceled;
    }
}
