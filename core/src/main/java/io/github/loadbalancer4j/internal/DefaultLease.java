package io.github.loadbalancer4j.internal;

import io.github.loadbalancer4j.Lease;
import io.github.loadbalancer4j.ServiceInstance;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** A {@link Lease} that can be ended once; later ends do nothing. */
final class DefaultLease implements Lease {

    private static final VarHandle ENDED;

    static {
        try {
            ENDED = MethodHandles.lookup().findVarHandle(DefaultLease.class, "ended", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final DefaultLoadBalancer loadBalancer;
    private final InstanceState state;
    private final long start;
    @SuppressWarnings("unused") // through ENDED
    private volatile boolean ended;

    DefaultLease(DefaultLoadBalancer loadBalancer, InstanceState state, long start) {
        this.loadBalancer = loadBalancer;
        this.state = state;
        this.start = start;
    }

    private boolean end() {
        return ENDED.compareAndSet(this, false, true);
    }

    @Override
    public ServiceInstance instance() {
        return state.instance();
    }

    @Override
    public void onSuccess() {
        if (end()) {
            loadBalancer.recordSuccess(state, start);
        }
    }

    @Override
    public void onResult(@Nullable Object result) {
        if (end()) {
            loadBalancer.recordResult(state, start, result);
        }
    }

    @Override
    public void onError(Throwable error) {
        java.util.Objects.requireNonNull(error, "error");
        if (end()) {
            loadBalancer.recordError(state, start, error);
        }
    }

    @Override
    public void onError(Throwable error, Duration retryAfter) {
        java.util.Objects.requireNonNull(error, "error");
        long hold = Durations.requireNonNegative("retryAfter", retryAfter).toNanos();
        if (end()) {
            loadBalancer.recordError(state, start, error, hold);
        }
    }

    @Override
    public void release() {
        if (end()) {
            loadBalancer.release(state);
        }
    }

    @Override
    public String toString() {
        return "Lease{" + state.instance().id() + (ended ? ", ended" : "") + '}';
    }
}
