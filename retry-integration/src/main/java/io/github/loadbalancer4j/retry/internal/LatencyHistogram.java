package io.github.loadbalancer4j.retry.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A small lock-free latency histogram that answers one percentile, for hedging delays.
 *
 * <p>Buckets are log-linear over microseconds: exact below 8 µs, then 8 buckets per power of two (each
 * 12.5% of its octave wide) up to about 12 days; 304 counters, 2.4 KB per generation. Recording is one
 * atomic increment in the current generation and one in a shared counter. Every
 * {@value #REFRESH_EVERY}th record the recording thread (one at a time, the others skip) recomputes
 * the percentile over both generations, and once a window has passed it clears the older generation
 * and writes into it from then on: the percentile covers the last one to two windows, so it follows
 * a service that slows down or recovers. A sample landing in a generation while it is cleared is lost:
 * one sample, in a histogram of hundreds.
 *
 * <p>The answer is the top of the bucket the percentile falls in: never below the true percentile,
 * at most 12.5% above it.
 */
public final class LatencyHistogram {

    static final int SUB_BUCKETS = 8;
    private static final int SUB_BITS = 3;
    private static final int MAX_EXPONENT = 39;
    static final int BUCKETS = SUB_BUCKETS + (MAX_EXPONENT - SUB_BITS + 1) * SUB_BUCKETS;
    private static final long MAX_MICROS = (1L << (MAX_EXPONENT + 1)) - 1;
    static final int REFRESH_EVERY = 16;

    private final double percentile;
    private final int minSamples;
    private final long windowNanos;
    private final LongSupplier ticker;
    private final AtomicLongArray[] generations = {new AtomicLongArray(BUCKETS), new AtomicLongArray(BUCKETS)};
    private final AtomicLong recorded = new AtomicLong();
    private final ReentrantLock refreshing = new ReentrantLock();
    private volatile int current;
    private volatile long generationStart;
    private volatile long percentileNanos = -1;

    /**
     * @param percentile the percentile to answer, in (0, 1)
     * @param minSamples how many samples the window must hold before there is an answer
     * @param windowNanos how long a generation is written to, {@code > 0}
     * @param ticker the nanosecond ticker the window is measured with
     */
    public LatencyHistogram(double percentile, int minSamples, long windowNanos, LongSupplier ticker) {
        this.percentile = percentile;
        this.minSamples = minSamples;
        this.windowNanos = windowNanos;
        this.ticker = ticker;
        this.generationStart = ticker.getAsLong();
    }

    /**
     * Records one latency.
     *
     * @param nanos the latency, negative read as 0
     */
    public void record(long nanos) {
        generations[current].incrementAndGet(bucket(nanos));
        if (recorded.incrementAndGet() % REFRESH_EVERY == 0) {
            refresh();
        }
    }

    /** @return the percentile, in nanoseconds, as of the last refresh; -1 while the window holds too few samples */
    public long percentileNanos() {
        return percentileNanos;
    }

    /** @return the samples recorded since the histogram was made */
    public long count() {
        return recorded.get();
    }

    /** Recomputes the percentile now (and moves the window if it is due); what recording does every few samples. */
    public void refresh() {
        if (!refreshing.tryLock()) {
            return; // another thread is at it: its answer will do
        }
        try {
            long now = ticker.getAsLong();
            if (now - generationStart >= windowNanos) {
                int older = 1 - current;
                AtomicLongArray cleared = generations[older];
                for (int i = 0; i < BUCKETS; i++) {
                    cleared.set(i, 0);
                }
                current = older;
                generationStart = now;
            }
            percentileNanos = compute();
        } finally {
            refreshing.unlock();
        }
    }

    private long compute() {
        AtomicLongArray a = generations[0];
        AtomicLongArray b = generations[1];
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            total += a.get(i) + b.get(i);
        }
        if (total < minSamples || total == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(percentile * total);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += a.get(i) + b.get(i);
            if (seen >= rank) {
                return upperNanos(i);
            }
        }
        return upperNanos(BUCKETS - 1);
    }

    /**
     * @param nanos a latency
     * @return its bucket
     */
    static int bucket(long nanos) {
        long micros = Math.min(Math.max(nanos, 0) / 1000, MAX_MICROS);
        if (micros < SUB_BUCKETS) {
            return (int) micros;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(micros);
        int sub = (int) (micros >>> (exponent - SUB_BITS)) & (SUB_BUCKETS - 1);
        return SUB_BUCKETS + (exponent - SUB_BITS) * SUB_BUCKETS + sub;
    }

    /**
     * @param bucket a bucket
     * @return the first latency above it, in nanoseconds
     */
    static long upperNanos(int bucket) {
        if (bucket < SUB_BUCKETS) {
            return (bucket + 1) * 1000L;
        }
        int exponent = (bucket - SUB_BUCKETS) / SUB_BUCKETS + SUB_BITS;
        int sub = (bucket - SUB_BUCKETS) % SUB_BUCKETS;
        long width = 1L << (exponent - SUB_BITS);
        return (SUB_BUCKETS + sub + 1) * width * 1000L;
    }
}
