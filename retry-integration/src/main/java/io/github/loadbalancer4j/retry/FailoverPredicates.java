package io.github.loadbalancer4j.retry;

import static java.util.Objects.requireNonNull;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import org.jspecify.annotations.Nullable;

/**
 * Which failures a call may move on from to another instance, for a {@code RetryConfig}:
 * <pre>{@code
 * RetryConfig anyCall = RetryConfig.custom()                 // POST, PATCH: only what never reached the service
 *         .maxAttempts(3)
 *         .retryOnException(FailoverPredicates.safeForAnyCall())
 *         .build();
 * RetryConfig idempotent = RetryConfig.<HttpResponse<String>>custom()   // GET, PUT, DELETE
 *         .maxAttempts(3)
 *         .retryOnException(FailoverPredicates.safeForIdempotentCalls())
 *         .retryOnResult(FailoverPredicates.serverError(HttpResponse::statusCode))
 *         .build();
 * }</pre>
 *
 * <p>A failure matches when it, or any exception in its chain of causes, is of a matching kind, so an
 * exception wrapped in an {@code UncheckedIOException}, a {@code CompletionException} or an
 * application exception still counts.
 *
 * <p>{@link io.github.loadbalancer4j.NoAvailableInstanceException} matches neither: it says that no
 * instance is left to move to, and retrying at once cannot help.
 */
public final class FailoverPredicates {

    private static final int MAX_CAUSES = 16;

    private static final Predicate<Throwable> SAFE_FOR_ANY_CALL = error -> anyCause(error, FailoverPredicates::notSent);
    private static final Predicate<Throwable> SAFE_FOR_IDEMPOTENT_CALLS =
            error -> anyCause(error, e -> notSent(e) || maybeSent(e));

    private FailoverPredicates() {
    }

    /**
     * Failures after which the request certainly did not reach the service, so any call, even a POST,
     * may go to another instance: connection refused ({@link ConnectException}), connect timeout
     * ({@link HttpConnectTimeoutException}, or a {@link SocketTimeoutException} saying "connect timed out"),
     * unknown host, no route to host, unreachable port, and a circuit breaker that did not permit the
     * call ({@link CallNotPermittedException}).
     *
     * @return the predicate, for {@code RetryConfig.Builder.retryOnException}
     */
    public static Predicate<Throwable> safeForAnyCall() {
        return SAFE_FOR_ANY_CALL;
    }

    /**
     * Failures a call may move on from only when running it twice does no harm (GET, PUT, DELETE; not
     * a POST that creates an order): everything in {@link #safeForAnyCall()}, plus failures after which
     * the request may have been processed: read timeouts ({@link SocketTimeoutException},
     * {@link HttpTimeoutException}), a resilience4j {@code TimeLimiter}'s {@link TimeoutException}, and any
     * other {@link IOException} (connection reset, closed, unexpected end of stream). For 5xx responses
     * returned as results, add {@link #serverError(ToIntFunction)}.
     *
     * @return the predicate, for {@code RetryConfig.Builder.retryOnException}
     */
    public static Predicate<Throwable> safeForIdempotentCalls() {
        return SAFE_FOR_IDEMPOTENT_CALLS;
    }

    /**
     * Results that are server errors (status 500-599), to retry idempotent calls on another instance
     * with {@code RetryConfig.Builder.retryOnResult}. Close a response's body before it is retried
     * ({@code consumeResultBeforeRetryAttempt}) where the client needs that.
     *
     * @param status reads the status code of a result
     * @param <T> the result type
     * @return the predicate; false for a null result
     */
    public static <T> Predicate<T> serverError(ToIntFunction<? super T> status) {
        requireNonNull(status, "status");
        return result -> result != null && isServerError(status.applyAsInt(result));
    }

    /**
     * @param status an HTTP status code
     * @return whether it is a server error, 500-599
     */
    public static boolean isServerError(int status) {
        return status >= 500 && status <= 599;
    }

    private static boolean notSent(Throwable e) {
        return e instanceof ConnectException
                || e instanceof HttpConnectTimeoutException
                || e instanceof UnknownHostException
                || e instanceof NoRouteToHostException
                || e instanceof PortUnreachableException
                || e instanceof CallNotPermittedException
                || e instanceof SocketTimeoutException && isConnectTimeout(e.getMessage());
    }

    private static boolean maybeSent(Throwable e) {
        return e instanceof IOException || e instanceof TimeoutException;
    }

    private static boolean isConnectTimeout(@Nullable String message) {
        return message != null && message.toLowerCase(Locale.ROOT).contains("connect timed out");
    }

    private static boolean anyCause(@Nullable Throwable error, Predicate<Throwable> kind) {
        Throwable e = error;
        for (int i = 0; e != null && i < MAX_CAUSES; i++) {
            if (kind.test(e)) {
                return true;
            }
            Throwable cause = e.getCause();
            e = cause == e ? null : cause;
        }
        return false;
    }
}
