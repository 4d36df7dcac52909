package io.github.loadbalancer4j.retry.internal;

import io.github.loadbalancer4j.retry.Hedging;
import java.util.concurrent.atomic.LongAdder;

/** The counters of one {@link Hedging}: striped, so calls on many threads do not share a written line. */
final class HedgingMetrics implements Hedging.Metrics {

    final LongAdder calls = new LongAdder();
    final LongAdder sent = new LongAdder();
    final LongAdder won = new LongAdder();
    final LongAdder cancelled = new LongAdder();

    @Override
    public long getNumberOfCalls() {
        return calls.sum();
    }

    @Override
    public long getNumberOfHedgesSent() {
        return sent.sum();
    }

    @Override
    public long getNumberOfHedgesWon() {
        return won.sum();
    }

    @Override
    public long getNumberOfCancelledAttempts() {
        return cancelled.sum();
    }

    @Override
    public String toString() {
        return "calls=" + calls + ", hedgesSent=" + sent + ", hedgesWon=" + won + ", cancelledAttempts=" + cancelled;
    }
}
