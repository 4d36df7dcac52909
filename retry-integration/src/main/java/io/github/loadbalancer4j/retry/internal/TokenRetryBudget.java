package io.github.loadbalancer4j.retry.internal;

import io.github.loadbalancer4j.retry.RetryBudget;
import io.github.loadbalancer4j.retry.event.RetryBudgetExhaustedEvent;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * A {@link RetryBudget} as Finagle's token budget: a constant reserve (the floor over one window) plus
 * a sliding window of deposits (calls) and withdrawals (retries), counted in millionths of a retry.
 *
 * <p>The window is {@value #SLICES} slices of ttl/{@value #SLICES}; a slice is reused, and so forgotten,
 * once the window has moved past it. Deposits add to the current slice without a lock. Withdrawals
 * check and take under one lock, so the balance can never be overdrawn: over any frozen window the
 * retries granted are at most {@code floor(reserve + percentCanRetry x calls)}.
 */
public final class TokenRetryBudget implements RetryBudget {

    /** Upper bound of {@code percentCanRetry}. */
    public static final double MAX_PERCENT_CAN_RETRY = 10.0;
    /** Upper bound of {@code minRetriesPerSecond}. */
    public static final int MAX_MIN_RETRIES_PER_SECOND = 1_000_000;

    /** One retry, in balance units: integers keep the bound exact (0.2 of a retry is 200,000 units). */
    static final long UNIT = 1_000_000L;
    static final int SLICES = 10;

    private final String name;
    private final double percentCanRetry;
    private final int minRetriesPerSecond;
    private final Duration ttl;
    private final boolean unlimited;
    private final long depositAmount;
    private final long reserve;
    private final long sliceNanos;
    private final LongSupplier ticker;
    private final long origin;
    private final AtomicLongArray sums = new AtomicLongArray(SLICES);
    private final AtomicLongArray epochs = new AtomicLongArray(SLICES);
    private final LongAdder refused = new LongAdder();
    private final LongAdder granted = new LongAdder();
    private final RetryBudgetEventProcessor events = new RetryBudgetEventProcessor();
    private final Object lock = new Object();

    /**
     * @param name the name
     * @param percentCanRetry checked by the builder
     * @param minRetriesPerSecond checked by the builder
     * @param ttl checked by the builder
     * @param ticker nanosecond ticker
     */
    public TokenRetryBudget(String name, double percentCanRetry, int minRetriesPerSecond, Duration ttl, LongSupplier ticker) {
        this(name, percentCanRetry, minRetriesPerSecond, ttl, ticker, false);
    }

    private TokenRetryBudget(String name, double percentCanRetry, int minRetriesPerSecond, Duration ttl, LongSupplier ticker,
            boolean unlimited) {
        this.name = name;
        this.percentCanRetry = percentCanRetry;
        this.minRetriesPerSecond = minRetriesPerSecond;
        this.ttl = ttl;
        this.unlimited = unlimited;
        this.ticker = ticker;
        this.depositAmount = Math.round(percentCanRetry * UNIT);
        // At most 1e6 retries/s x 60 s x 1e6 units = 6e16: no overflow.
        this.reserve = minRetriesPerSecond * ttl.toMillis() * (UNIT / 1000);
        this.sliceNanos = Math.max(1, ttl.toNanos() / SLICES);
        this.origin = ticker.getAsLong();
        for (int i = 0; i < SLICES; i++) {
            // Slot i first serves epoch i; marking it one window older makes it empty and outside the window.
            epochs.set(i, i - SLICES);
        }
    }

    /** @return a budget that grants every retry */
    public static TokenRetryBudget unlimited() {
        return new TokenRetryBudget("unlimited", MAX_PERCENT_CAN_RETRY, 0, DEFAULT_TTL, System::nanoTime, true);
    }

    private long epoch() {
        return Math.floorDiv(ticker.getAsLong() - origin, sliceNanos);
    }

    private static int slot(long epoch) {
        return (int) Math.floorMod(epoch, (long) SLICES);
    }

    @Override
    public void deposit() {
        if (unlimited) {
            return;
        }
        long epoch = epoch();
        int slot = slot(epoch);
        if (epochs.get(slot) != epoch) {
            synchronized (lock) {
                roll(slot, epoch);
            }
        }
        sums.addAndGet(slot, depositAmount);
    }

    @Override
    public boolean tryWithdraw() {
        if (unlimited) {
            granted.increment();
            return true;
        }
        long epoch = epoch();
        int slot = slot(epoch);
        long balance;
        synchronized (lock) {
            roll(slot, epoch);
            balance = reserve + windowSum(epoch);
            if (balance >= UNIT) {
                sums.addAndGet(slot, -UNIT);
                granted.increment();
                return true;
            }
        }
        refused.increment();
        if (events.hasConsumers()) {
            events.processEvent(new RetryBudgetExhaustedEvent(name, ZonedDateTime.now(), (double) balance / UNIT));
        }
        return false;
    }

    /** Makes {@code slot} the empty slice of {@code epoch} unless it already is (or is newer). Under {@link #lock}. */
    private void roll(int slot, long epoch) {
        if (epochs.get(slot) < epoch) {
            sums.set(slot, 0);
            epochs.set(slot, epoch); // published after the reset: a depositor seeing this epoch adds to the empty slice
        }
    }

    private long windowSum(long epoch) {
        long sum = 0;
        for (int i = 0; i < SLICES; i++) {
            long e = epochs.get(i);
            if (e > epoch - SLICES && e <= epoch) {
                sum += sums.get(i);
            }
        }
        return sum;
    }

    @Override
    public double getBalance() {
        if (unlimited) {
            return Double.POSITIVE_INFINITY;
        }
        return (double) (reserve + windowSum(epoch())) / UNIT;
    }

    @Override
    public long getNumberOfRefusedRetries() {
        return refused.sum();
    }

    @Override
    public long getNumberOfGrantedRetries() {
        return granted.sum();
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public double getPercentCanRetry() {
        return percentCanRetry;
    }

    @Override
    public int getMinRetriesPerSecond() {
        return minRetriesPerSecond;
    }

    @Override
    public Duration getTtl() {
        return ttl;
    }

    @Override
    public EventPublisher getEventPublisher() {
        return events;
    }

    @Override
    public String toString() {
        return unlimited ? "RetryBudget 'unlimited'"
                : "RetryBudget '" + name + "' (" + percentCanRetry * 100 + "% of calls + " + minRetriesPerSecond
                        + "/s over " + ttl + ", balance " + getBalance() + ')';
    }
}
