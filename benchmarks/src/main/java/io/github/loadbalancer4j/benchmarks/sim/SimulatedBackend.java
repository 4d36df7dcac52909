package io.github.loadbalancer4j.benchmarks.sim;

import java.util.ArrayDeque;
import java.util.SplittableRandom;

/**
 * A backend while a run goes on: serves up to its concurrency at once (a FIFO queue holds the
 * rest), draws each call's latency and outcome when the call starts being served, and answers at
 * the end of the latency. A call its client gave up on (timeout) is still served: the server does
 * not know.
 */
final class SimulatedBackend {

    /** One request on the wire. */
    interface Request {
        /** @param success whether the backend answered with success */
        void answered(boolean success);
    }

    private final Backend spec;
    private final EventLoop loop;
    private final SplittableRandom random;
    private final ArrayDeque<Request> waiting = new ArrayDeque<>();
    private int serving;

    SimulatedBackend(Backend spec, EventLoop loop, SplittableRandom random) {
        this.spec = spec;
        this.loop = loop;
        this.random = random;
    }

    void receive(Request request) {
        if (spec.concurrency() > 0 && serving >= spec.concurrency()) {
            waiting.add(request);
            return;
        }
        serve(request);
    }

    private void serve(Request request) {
        serving++;
        long now = loop.now();
        Latency latency = spec.latency();
        double factor = 1.0;
        double successRate = spec.successRate();
        boolean latencySet = false;
        boolean rateSet = false;
        for (Backend.Phase p : spec.phases()) {
            if (!p.covers(now)) {
                continue;
            }
            if (p.latency != null && !latencySet) {
                latency = p.latency;
                latencySet = true;
            }
            factor *= p.factor;
            if (p.successRate >= 0 && !rateSet) {
                successRate = p.successRate;
                rateSet = true;
            }
        }
        long nanos = Math.round(latency.sampleNanos(random) * factor);
        boolean success = successRate >= 1.0 || random.nextDouble() < successRate;
        Latency failureLatency = spec.failureLatency();
        if (!success && failureLatency != null) {
            // Drawn after the rest, and only for failures: scenarios without it keep their draws.
            nanos = failureLatency.sampleNanos(random);
        }
        loop.after(nanos, () -> {
            serving--;
            request.answered(success);
            Request next = waiting.poll();
            if (next != null) {
                serve(next);
            }
        });
    }
}
