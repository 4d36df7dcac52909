package io.github.loadbalancer4j.internal;

/**
 * A recent reading of the load balancer's ticker, refreshed by calls as they end, so that selectors
 * can age latency statistics without reading the clock on the hot path. Written only when it moved
 * by more than a millisecond, so the field is nearly read-only under load.
 */
final class CoarseTicker {

    private static final long RESOLUTION_NANOS = 1_000_000L;

    private volatile long nanos;

    CoarseTicker(long start) {
        this.nanos = start;
    }

    long read() {
        return nanos;
    }

    void advance(long now) {
        if (now - nanos > RESOLUTION_NANOS) {
            nanos = now;
        }
    }
}
