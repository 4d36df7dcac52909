package io.github.loadbalancer4j.okhttp.internal;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.Lease;
import io.github.loadbalancer4j.okhttp.FailureStatusException;
import java.time.Clock;
import java.time.Duration;
import java.util.function.IntPredicate;
import okhttp3.Response;

/**
 * How a response ends its lease: a status that is not a failure is a result; a failure status is a
 * {@link FailureStatusException}; a 429 or 503 failure that carries a readable {@code Retry-After}
 * also keeps its instance out of selection for that long, at most {@code maxRetryAfter}
 * ({@link Lease#onError(Throwable, Duration)}).
 *
 * <p>Public for the loadbalancer4j modules; not API. Immutable.
 */
public final class FailureStatuses {

    private final IntPredicate isFailure;
    private final Duration maxRetryAfter;
    private final Clock clock;

    /**
     * @param isFailure which statuses are failures of the instance
     * @param maxRetryAfter the longest hold; zero never holds
     * @param clock "now" for {@code Retry-After} HTTP-dates
     */
    public FailureStatuses(IntPredicate isFailure, Duration maxRetryAfter, Clock clock) {
        this.isFailure = requireNonNull(isFailure, "isFailure");
        this.maxRetryAfter = requireNonNull(maxRetryAfter, "maxRetryAfter");
        this.clock = requireNonNull(clock, "clock");
    }

    /**
     * @param code a response's status
     * @return whether it counts as a failure of the instance that sent it
     */
    public boolean isFailure(int code) {
        return isFailure.test(code);
    }

    /**
     * Ends the lease with the response's outcome.
     *
     * @param lease the attempt's lease
     * @param response the instance's response
     */
    public void end(Lease lease, Response response) {
        int code = response.code();
        if (!isFailure.test(code)) {
            lease.onResult(response);
            return;
        }
        FailureStatusException failure = new FailureStatusException(lease.instance(), code);
        Duration hold = holdFor(response);
        if (hold.isZero()) {
            lease.onError(failure);
        } else {
            lease.onError(failure, hold);
        }
    }

    /**
     * @param response an instance's response
     * @return how long it keeps its instance out of selection: its {@code Retry-After}, capped, when
     *     it is a 429 or 503 counted as a failure; zero otherwise (no header, an unreadable one, a date
     *     past, holding turned off)
     */
    public Duration holdFor(Response response) {
        int code = response.code();
        if ((code != 429 && code != 503) || maxRetryAfter.isZero() || !isFailure.test(code)) {
            return Duration.ZERO;
        }
        Duration asked = RetryAfter.parse(response.headers(), clock.instant());
        if (asked == null) {
            return Duration.ZERO;
        }
        return asked.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : asked;
    }
}
