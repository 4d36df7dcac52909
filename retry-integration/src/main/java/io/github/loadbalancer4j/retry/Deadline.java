package io.github.loadbalancer4j.retry;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.retry.internal.CurrentDeadline;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * When one call must be over, across all of its attempts: a timeout started when the call started,
 * and the least time a new attempt needs ({@link #getMinAttemptTime() minAttemptTime}, the floor).
 *
 * <p>{@link FailoverRetry#withDeadline(Duration)}, {@link Hedging} and the OkHttp interceptor start
 * one per call. While it runs:
 * <ul>
 *   <li>no new attempt (a retry, a hedge) starts when less than the floor is left, nor a retry whose
 *       backoff would leave less than the floor;
 *   <li>each attempt gets at most the time left: the asynchronous decorators end an attempt's stage
 *       at the deadline, the OkHttp interceptor cuts the attempt's connect, read and write timeouts;
 *       a blocking call reads {@link #current()} and passes {@link #timeLeft()} to its own client;
 *   <li>a call that fails because the time ran out fails with a {@link DeadlineExceededException}
 *       that names the deadline and the attempts made.
 * </ul>
 *
 * <p>Measured with a nanosecond ticker (the load balancer's, so tests run it in virtual time).
 * Immutable and thread-safe.
 */
public final class Deadline {

    /**
     * The default floor: no new attempt starts with less than 10 ms left (a tenth of the timeout when
     * that is shorter). An attempt given less rarely gets an answer over a network and still costs
     * the instance the work.
     */
    public static final Duration DEFAULT_MIN_ATTEMPT_TIME = Duration.ofMillis(10);

    /** The longest timeout: what a {@code long} count of nanoseconds holds (292 years). */
    static final Duration MAX = Duration.ofNanos(Long.MAX_VALUE);

    private final Duration timeout;
    private final Duration minAttemptTime;
    private final long endNanos;
    private final long minAttemptNanos;
    private final LongSupplier ticker;

    private Deadline(Duration timeout, Duration minAttemptTime, LongSupplier ticker) {
        this.timeout = timeout;
        this.minAttemptTime = minAttemptTime;
        this.minAttemptNanos = minAttemptTime.toNanos();
        this.ticker = ticker;
        this.endNanos = ticker.getAsLong() + timeout.toNanos();
    }

    /**
     * Starts a deadline now, on {@link System#nanoTime()}, with the {@link #defaultMinAttemptTime(Duration) default floor}.
     *
     * @param timeout how long the call may take, {@code > 0}
     * @return the running deadline
     * @throws IllegalArgumentException if the timeout is not positive
     */
    public static Deadline after(Duration timeout) {
        requirePositive("timeout", timeout);
        return after(timeout, defaultMinAttemptTime(timeout), System::nanoTime);
    }

    /**
     * Starts a deadline now.
     *
     * @param timeout how long the call may take, {@code > 0}
     * @param minAttemptTime no new attempt starts with less time left, {@code >= 0} and shorter than the timeout
     * @param ticker the nanosecond ticker to measure with, like {@code System::nanoTime}
     * @return the running deadline
     * @throws IllegalArgumentException if the timeout is not positive, or the floor negative or not
     *     shorter than the timeout
     */
    public static Deadline after(Duration timeout, Duration minAttemptTime, LongSupplier ticker) {
        checkFloor(timeout, minAttemptTime);
        return new Deadline(timeout, minAttemptTime, requireNonNull(ticker, "ticker"));
    }

    /**
     * Checks a timeout and floor as {@link #after(Duration, Duration, LongSupplier)} does, for settings
     * that start deadlines later.
     *
     * @param timeout how long a call may take
     * @param minAttemptTime the floor
     * @throws IllegalArgumentException if the timeout is not positive, or the floor negative or not
     *     shorter than the timeout
     */
    static void checkFloor(Duration timeout, Duration minAttemptTime) {
        requirePositive("timeout", timeout);
        requireNonNull(minAttemptTime, "minAttemptTime");
        if (minAttemptTime.isNegative()) {
            throw new IllegalArgumentException("minAttemptTime: " + minAttemptTime + " (expected: >= 0)");
        }
        if (minAttemptTime.compareTo(timeout) >= 0) {
            throw new IllegalArgumentException("minAttemptTime: " + minAttemptTime + " (expected: shorter than the timeout "
                    + timeout + ", or no retry could ever start)");
        }
    }

    /**
     * Checks a duration that becomes a count of nanoseconds.
     *
     * @param name the setting, for the message
     * @param value the duration
     * @return the value
     * @throws IllegalArgumentException if not positive, or longer than a count of nanoseconds holds
     */
    static Duration requirePositive(String name, Duration value) {
        requireNonNull(value, name);
        if (value.isNegative() || value.isZero() || value.compareTo(MAX) > 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0 and at most " + MAX + ")");
        }
        return value;
    }

    /**
     * @param timeout a call's timeout
     * @return {@link #DEFAULT_MIN_ATTEMPT_TIME}, or a tenth of the timeout when that is shorter
     */
    public static Duration defaultMinAttemptTime(Duration timeout) {
        Duration tenth = timeout.dividedBy(10);
        return tenth.compareTo(DEFAULT_MIN_ATTEMPT_TIME) < 0 ? tenth : DEFAULT_MIN_ATTEMPT_TIME;
    }

    /**
     * The deadline of the attempt running on this thread, as gRPC's {@code Context.current().getDeadline()}:
     * set while a decorated call runs its attempt ({@link FailoverRetry}'s and {@link Hedging}'s
     * decorators, when they have a deadline), so that a blocking call can hand the time left to its
     * own client. Read it on that thread, before handing work to another one.
     *
     * @return the deadline of the call whose attempt runs on this thread, or empty
     */
    public static Optional<Deadline> current() {
        return Optional.ofNullable(CurrentDeadline.get());
    }

    /** @return how long the call may take, from its start */
    public Duration getTimeout() {
        return timeout;
    }

    /** @return the floor: no new attempt starts with less time left */
    public Duration getMinAttemptTime() {
        return minAttemptTime;
    }

    /** @return the nanoseconds left, 0 once the deadline passed */
    public long timeLeftNanos() {
        return Math.max(0, endNanos - ticker.getAsLong());
    }

    /** @return the time left, {@link Duration#ZERO} once the deadline passed */
    public Duration timeLeft() {
        return Duration.ofNanos(timeLeftNanos());
    }

    /**
     * @param unit the unit
     * @return the time left in that unit, rounded up (so a call given it never ends before the deadline
     *     for rounding alone), 0 once the deadline passed
     */
    public long timeLeft(TimeUnit unit) {
        long left = timeLeftNanos();
        long whole = unit.convert(left, TimeUnit.NANOSECONDS);
        return unit.toNanos(whole) < left ? whole + 1 : whole;
    }

    /** @return whether the deadline passed */
    public boolean isExpired() {
        return timeLeftNanos() == 0;
    }

    /**
     * Whether a new attempt may start after waiting {@code waitNanos}: the time left then is at least
     * the floor (and more than nothing).
     *
     * @param waitNanos the backoff before the attempt, {@code >= 0}
     * @return true when the attempt may start
     */
    public boolean allowsAttemptAfter(long waitNanos) {
        long left = endNanos - ticker.getAsLong();
        return left > 0 && waitNanos < left && left - waitNanos >= minAttemptNanos;
    }

    @Override
    public String toString() {
        return "Deadline{timeout=" + timeout + ", left=" + timeLeft() + ", minAttemptTime=" + minAttemptTime + '}';
    }
}
