package io.github.loadbalancer4j.examples;

import io.github.loadbalancer4j.ServiceInstance;
import java.util.concurrent.atomic.LongAdder;

/** What the client saw of one instance: attempts sent to it, failed ones (5xx or I/O error), time to the response headers. */
final class InstanceTally {

    private final ServiceInstance instance;
    private final LongAdder calls = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder nanos = new LongAdder();

    InstanceTally(ServiceInstance instance) {
        this.instance = instance;
    }

    ServiceInstance instance() {
        return instance;
    }

    void record(long elapsedNanos, boolean failed) {
        calls.increment();
        nanos.add(elapsedNanos);
        if (failed) {
            failures.increment();
        }
    }

    long calls() {
        return calls.sum();
    }

    long failures() {
        return failures.sum();
    }

    /** @return the mean latency of the calls that reached this instance, 0 if none did */
    double meanLatencyMillis() {
        long n = calls.sum();
        return n == 0 ? 0.0 : nanos.sum() / 1e6 / n;
    }
}
