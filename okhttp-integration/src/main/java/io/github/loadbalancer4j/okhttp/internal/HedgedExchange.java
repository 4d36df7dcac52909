package io.github.loadbalancer4j.okhttp.internal;

import io.github.loadbalancer4j.NoAvailableInstanceException;
import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.internal.DaemonThreads;
import io.github.loadbalancer4j.okhttp.FailureStatusException;
import io.github.loadbalancer4j.retry.Deadline;
import io.github.loadbalancer4j.retry.DeadlineExceededException;
import io.github.loadbalancer4j.retry.internal.BlockingHedging;
import io.github.loadbalancer4j.retry.internal.DefaultHedging;
import io.github.loadbalancer4j.retry.internal.HedgedCall;
import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * Hedging over OkHttp, driving the retry module's engine ({@link HedgedCall}).
 *
 * <p>An interceptor cannot run two attempts of one call at the same time: a chain proceeds with one
 * exchange at a time, and cancelling the call (the only way to stop an attempt) would end the caller's
 * call too, which OkHttp then fails however the interceptor answers. So every attempt of a hedged
 * call, the first one included, is a call of its own: a {@link Call#clone() clone} of the caller's call
 * (same client, same request, its own cancel), tagged with its attempt ({@code Call.tag}, OkHttp 5's
 * per-call tags, which a clone does not copy) and executed on the hedging executor with
 * {@link Call#execute()} (not {@code enqueue}, whose dispatcher allows 5 calls per host and would queue
 * a hedge behind the calls it is meant to overtake). The clone runs through the client's interceptors
 * again; when it reaches the load-balancing interceptor, {@link #tagOf} finds the attempt and
 * {@link Attempt#send} sends it to the attempt's instance, ending its lease. The caller's thread waits
 * for the first success ({@link BlockingHedging#await}), sending the hedges when they are due and
 * watching its own call for a cancel; a loser's clone is cancelled, so its server sees the connection
 * closed, and an answer that comes too late is closed.
 *
 * <p>Public for the loadbalancer4j modules; not API. Thread-safe.
 */
public final class HedgedExchange {

    private static final class DefaultExecutor {
        static final ExecutorService INSTANCE = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
                new SynchronousQueue<>(), DaemonThreads.numbered("loadbalancer4j-hedging"));
    }

    private final FailureStatuses statuses;
    private final InstanceUrls urls;
    private final ExecutorService executor;

    /**
     * @param statuses how a response ends a lease, and which statuses are failures
     * @param urls the interceptor's http URL rewriter
     * @param executor runs the attempts' calls; null for the shared default (a cached pool of daemon threads)
     */
    public HedgedExchange(FailureStatuses statuses, InstanceUrls urls, @Nullable ExecutorService executor) {
        this.statuses = statuses;
        this.urls = urls;
        this.executor = executor != null ? executor : DefaultExecutor.INSTANCE;
    }

    /**
     * @param chain an application interceptor's chain
     * @return the attempt the chain's call is, when it is a hedged call's attempt; null otherwise
     */
    public static @Nullable Attempt tagOf(Interceptor.Chain chain) {
        return chain.call().tag(Attempt.class);
    }

    /**
     * Runs a hedged call: every attempt a clone of the caller's call.
     *
     * @param chain the caller's chain
     * @param request its request (idempotent, with a body that can be sent again)
     * @param hedging the route's hedging
     * @param pools the route's per-instance pools, or null
     * @param deadline the call's deadline, or null
     * @return the first answer that is not a failure status; else the last failed answer
     * @throws IOException the last failure, an {@link java.io.InterruptedIOException} caused by a
     *     {@link DeadlineExceededException}, an {@code IOException} caused by
     *     {@link NoAvailableInstanceException}, or "Canceled" when the caller canceled the call
     */
    public Response execute(Interceptor.Chain chain, Request request, DefaultHedging hedging, @Nullable InstancePools pools,
            @Nullable Deadline deadline) throws IOException {
        Call caller = chain.call();
        HedgedCall.Attempts<Response> attempts = new HedgedCall.Attempts<>() {
            @Override
            public Runnable start(HedgedCall<Response>.Attempt attempt) {
                Call clone = caller.clone();
                Attempt tag = new Attempt(HedgedExchange.this, attempt, pools);
                clone.tag(Attempt.class, () -> tag);
                Deadline d = attempt.deadline();
                if (d != null) {
                    clone.timeout().timeout(Math.max(1, d.timeLeftNanos()), TimeUnit.NANOSECONDS);
                }
                executor.execute(() -> run(clone, attempt));
                return clone::cancel;
            }

            @Override
            public void discard(Response answer) {
                answer.close();
            }
        };
        HedgedCall<Response> call = hedging.newCall(attempts, true,
                failure -> failure instanceof IOException && FailoverRules.mayMoveOn((IOException) failure, request),
                deadline, null, SelectionContext.empty());
        try {
            return BlockingHedging.await(call, call.start(), caller::isCanceled);
        } catch (IOException e) {
            throw e;
        } catch (DeadlineExceededException e) {
            throw CallDeadlines.asIOException(e);
        } catch (NoAvailableInstanceException e) {
            throw new IOException(e.getMessage(), e);
        } catch (CancellationException e) {
            IOException canceled = new IOException("Canceled");
            canceled.initCause(e);
            throw canceled;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IOException(e); // a checked exception thrown undeclared by another interceptor
        }
    }

    private void run(Call clone, HedgedCall<Response>.Attempt attempt) {
        Response response;
        try {
            response = clone.execute();
        } catch (Throwable e) {
            attempt.failed(e);
            return;
        }
        int code = response.code();
        if (statuses.isFailure(code)) {
            attempt.failedWithAnswer(response, new FailureStatusException(attempt.instance(), code));
        } else {
            attempt.succeeded(response);
        }
    }

    /** The attempt a hedged call's clone carries, as its call tag. */
    public static final class Attempt {
        private final HedgedExchange exchange;
        private final HedgedCall<Response>.Attempt attempt;
        private final @Nullable InstancePools pools;

        Attempt(HedgedExchange exchange, HedgedCall<Response>.Attempt attempt, @Nullable InstancePools pools) {
            this.exchange = exchange;
            this.attempt = attempt;
            this.pools = pools;
        }

        /**
         * Sends the clone's request to the attempt's instance, its timeouts cut to the call's deadline,
         * and ends the attempt's lease with the outcome.
         *
         * @param chain the clone's chain, at the load-balancing interceptor
         * @return the instance's response
         * @throws IOException what the attempt threw
         */
        public Response send(Interceptor.Chain chain) throws IOException {
            return InstanceAttempt.send(CallDeadlines.cut(chain, attempt.deadline()), chain.request(), attempt.lease(),
                    exchange.statuses, exchange.urls, pools, InstanceAttempt.startOf(chain));
        }
    }
}
