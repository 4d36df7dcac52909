package io.github.loadbalancer4j.okhttp.internal;

import io.github.loadbalancer4j.retry.Deadline;
import io.github.loadbalancer4j.retry.DeadlineExceededException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.Interceptor;
import org.jspecify.annotations.Nullable;

/**
 * The interceptor's deadline settings, and what a deadline does to an OkHttp attempt: each routed call
 * gets a {@link Deadline} (the configured one, or its call timeout, whichever is shorter), each attempt's
 * connect, read and write timeouts are cut to the time left, and a spent deadline is told to OkHttp's
 * callers as an {@link InterruptedIOException} (as OkHttp's own call timeout is) caused by the
 * {@link DeadlineExceededException}.
 *
 * <p>Public for the loadbalancer4j modules; not API. Immutable.
 */
public final class CallDeadlines {

    private final @Nullable Duration timeout;
    private final @Nullable Duration minAttemptTime;
    private final boolean fromCallTimeout;

    /**
     * @param timeout every routed call's deadline, or null
     * @param minAttemptTime the floor, or null for {@link Deadline#defaultMinAttemptTime(Duration)}
     * @param fromCallTimeout whether a call's own timeout ({@code callTimeout}) is a deadline too
     */
    public CallDeadlines(@Nullable Duration timeout, @Nullable Duration minAttemptTime, boolean fromCallTimeout) {
        this.timeout = timeout;
        this.minAttemptTime = minAttemptTime;
        this.fromCallTimeout = fromCallTimeout;
    }

    /**
     * @param chain a routed call's chain
     * @return the call's deadline, started now; null when it has none
     */
    public @Nullable Deadline start(Interceptor.Chain chain) {
        Duration t = timeout;
        long callTimeout = fromCallTimeout ? chain.call().timeout().timeoutNanos() : 0;
        if (callTimeout > 0 && (t == null || callTimeout < t.toNanos())) {
            t = Duration.ofNanos(callTimeout);
        }
        if (t == null) {
            return null;
        }
        Duration floor = minAttemptTime;
        if (floor == null || floor.compareTo(t) >= 0) {
            floor = Deadline.defaultMinAttemptTime(t);
        }
        return Deadline.after(t, floor, System::nanoTime);
    }

    /**
     * Gives an attempt at most the time left: its connect, read and write timeouts are cut to it (a
     * timeout of 0, none, is cut too).
     *
     * @param chain the attempt's chain
     * @param deadline the call's deadline, or null
     * @return the chain to send the attempt through
     */
    public static Interceptor.Chain cut(Interceptor.Chain chain, @Nullable Deadline deadline) {
        if (deadline == null) {
            return chain;
        }
        int left = (int) Math.min(Integer.MAX_VALUE, Math.max(1, deadline.timeLeft(TimeUnit.MILLISECONDS)));
        Interceptor.Chain c = chain;
        if (longer(c.connectTimeoutMillis(), left)) {
            c = c.withConnectTimeout(left, TimeUnit.MILLISECONDS);
        }
        if (longer(c.readTimeoutMillis(), left)) {
            c = c.withReadTimeout(left, TimeUnit.MILLISECONDS);
        }
        if (longer(c.writeTimeoutMillis(), left)) {
            c = c.withWriteTimeout(left, TimeUnit.MILLISECONDS);
        }
        return c;
    }

    private static boolean longer(int timeoutMillis, int leftMillis) {
        return timeoutMillis == 0 || timeoutMillis > leftMillis;
    }

    /**
     * @param spent what the engine ended the call with
     * @return it, as the {@link InterruptedIOException} OkHttp's callers expect of a timeout
     */
    public static InterruptedIOException asIOException(DeadlineExceededException spent) {
        InterruptedIOException e = new InterruptedIOException(spent.getMessage());
        e.initCause(spent);
        return e;
    }

    /** @return whether calls may get a deadline at all */
    public boolean any() {
        return timeout != null || fromCallTimeout;
    }

    @Override
    public String toString() {
        return (timeout != null ? "deadline=" + timeout : "") + (fromCallTimeout ? (timeout != null ? ", " : "") + "callTimeout" : "");
    }
}
