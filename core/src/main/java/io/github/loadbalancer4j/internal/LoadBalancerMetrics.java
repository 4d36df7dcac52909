package io.github.loadbalancer4j.internal;

import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.LoadBalancer;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/** A load balancer's counts, read live from its current snapshot and its instances' states. */
final class LoadBalancerMetrics implements LoadBalancer.Metrics {

    private final Supplier<Snapshot> snapshot;
    private final IntSupplier available;
    private final LongSupplier outlierEjections;
    private final LongAdder noAvailableCalls = new LongAdder();

    /**
     * @param snapshot the load balancer's current snapshot
     * @param available counts the instances available now (read live, between rebuilds too)
     * @param outlierEjections counts outlier ejections so far
     */
    LoadBalancerMetrics(Supplier<Snapshot> snapshot, IntSupplier available, LongSupplier outlierEjections) {
        this.snapshot = snapshot;
        this.available = available;
        this.outlierEjections = outlierEjections;
    }

    void noAvailableInstance() {
        noAvailableCalls.increment();
    }

    @Override
    public int getNumberOfKnownInstances() {
        return snapshot.get().known.length;
    }

    @Override
    public int getNumberOfAvailableInstances() {
        return available.getAsInt();
    }

    @Override
    public int getNumberOfCircuitOpenInstances() {
        int n = 0;
        for (InstanceState state : snapshot.get().known) {
            n += state.circuitPermits() ? 0 : 1;
        }
        return n;
    }

    @Override
    public int getNumberOfUnhealthyInstances() {
        int n = 0;
        for (InstanceState state : snapshot.get().known) {
            n += state.health() == InstanceStatus.Health.UNHEALTHY ? 1 : 0;
        }
        return n;
    }

    @Override
    public long getNumberOfNoAvailableInstanceCalls() {
        return noAvailableCalls.sum();
    }

    @Override
    public long getNumberOfOutlierEjections() {
        return outlierEjections.getAsLong();
    }

    @Override
    public boolean isPanicking() {
        return snapshot.get().panic;
    }
}
