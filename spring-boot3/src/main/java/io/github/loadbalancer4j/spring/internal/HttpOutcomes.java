package io.github.loadbalancer4j.spring.internal;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.Lease;
import io.github.loadbalancer4j.retry.internal.HttpRetryAfter;
import io.github.loadbalancer4j.spring.FailureStatusException;
import java.time.Clock;
import java.time.Duration;
import java.util.function.IntPredicate;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;

/**
 * How a response ends its lease, for Spring's clients as for OkHttp's: a status that is not a failure
 * is a result; a failure status is a {@link FailureStatusException}; a 429 or 503 failure with a
 * readable {@code Retry-After} also keeps its instance out of selection for that long, at most
 * {@code maxRetryAfter} ({@link Lease#onError(Throwable, Duration)}). Immutable.
 *
 * <p>Public for the loadbalancer4j modules; not API.
 */
public final class HttpOutcomes {

    private final IntPredicate isFailure;
    private final Duration maxRetryAfter;
    private final Clock clock;

    /**
     * @param isFailure which statuses are failures of the instance
     * @param maxRetryAfter the longest hold; zero never holds
     * @param clock "now" for {@code Retry-After} HTTP-dates
     */
    public HttpOutcomes(IntPredicate isFailure, Duration maxRetryAfter, Clock clock) {
        this.isFailure = requireNonNull(isFailure, "isFailure");
        this.maxRetryAfter = requireNonNull(maxRetryAfter, "maxRetryAfter");
        this.clock = requireNonNull(clock, "clock");
    }

    /**
     * Ends the lease with a response's outcome.
     *
     * @param lease the attempt's lease
     * @param status the response's status
     * @param headers its headers
     * @return the failure recorded, or null when the status is not a failure
     */
    public @Nullable FailureStatusException end(Lease lease, int status, HttpHeaders headers) {
        if (!isFailure.test(status)) {
            return null;
        }
        FailureStatusException failure = new FailureStatusException(lease.instance(), status);
        Duration hold = holdFor(status, headers);
        if (hold.isZero()) {
            lease.onError(failure);
        } else {
            lease.onError(failure, hold);
        }
        return failure;
    }

    /**
     * @param status a response's status
     * @param headers its headers
     * @return how long it keeps its instance out of selection: its {@code Retry-After}, capped, when it is
     *     a 429 or 503 counted as a failure; zero otherwise
     */
    public Duration holdFor(int status, HttpHeaders headers) {
        if ((status != 429 && status != 503) || maxRetryAfter.isZero() || !isFailure.test(status)) {
            return Duration.ZERO;
        }
        Duration asked = HttpRetryAfter.parse(headers.getFirst(HttpRetryAfter.HEADER), clock.instant(), value -> {
            try {
                return headers.getFirstZonedDateTime(HttpRetryAfter.HEADER).toInstant();
            } catch (RuntimeException e) {
                return null; // not an HTTP-date: ignored, as the RFC allows
            }
        });
        if (asked == null) {
            return Duration.ZERO;
        }
        return asked.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : asked;
    }
}
