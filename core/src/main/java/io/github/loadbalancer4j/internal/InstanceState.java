package io.github.loadbalancer4j.internal;

import io.github.loadbalancer4j.Candidate;
import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;

/**
 * Everything the load balancer knows about one instance: its breaker, in-flight count, peak-EWMA
 * latency, health and effective weight. It outlives strategy changes, which is what lets a strategy
 * be swapped with nothing lost. Public only for other loadbalancer4j modules; not API.
 */
public final class InstanceState implements Candidate {

    /** Finagle's peak-EWMA decay time. */
    static final long DECAY_NANOS = Duration.ofSeconds(10).toNanos();
    /** A failure is recorded as a latency of at least this much, so that fast failures do not attract traffic. */
    static final long FAILURE_PENALTY_NANOS = Duration.ofSeconds(1).toNanos();
    /** The share of its weight a slow-starting instance begins with. */
    static final double SLOW_START_MIN_FACTOR = 0.1;
    /** Below this age (1 s), exp(-age/decay) is computed by a short polynomial (error under 1e-7). */
    private static final long POLYNOMIAL_DECAY_LIMIT_NANOS = DECAY_NANOS / 10;
    /** A multiplication is several times cheaper than a division on the read path. */
    private static final double INVERSE_DECAY_NANOS = 1.0 / DECAY_NANOS;

    private static final VarHandle IN_FLIGHT;
    private static final VarHandle COST;
    private static final VarHandle STAMP;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            IN_FLIGHT = lookup.findVarHandle(InstanceState.class, "inFlight", int.class);
            COST = lookup.findVarHandle(InstanceState.class, "cost", double.class);
            STAMP = lookup.findVarHandle(InstanceState.class, "stamp", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final CircuitBreaker circuitBreaker;
    private final CoarseTicker recent;
    private volatile ServiceInstance instance;

    @SuppressWarnings("unused") // updated through IN_FLIGHT
    private volatile int inFlight;

    // Peak EWMA. Updates race without a lock: a lost update only loses one sample of a heuristic.
    private volatile double cost;
    private volatile long stamp;

    private volatile CircuitBreaker.State seenState;
    private volatile InstanceStatus.Health health = InstanceStatus.Health.UNKNOWN;
    /** Slow start: the weight ramps from {@link #SLOW_START_MIN_FACTOR} to full over this window (0: off). */
    private final long slowStartNanos;
    /** Ticker time since which the instance has been selectable; written under the load balancer's lock. */
    private volatile long availableSince;

    /** Written only under the load balancer's lock. */
    boolean available;

    InstanceState(ServiceInstance instance, CircuitBreaker circuitBreaker, CoarseTicker recent, long slowStartNanos,
            long availableSince) {
        this.instance = instance;
        this.circuitBreaker = circuitBreaker;
        this.recent = recent;
        this.slowStartNanos = slowStartNanos;
        this.availableSince = availableSince;
        this.seenState = circuitBreaker.getState();
    }

    @Override
    public ServiceInstance instance() {
        return instance;
    }

    void instance(ServiceInstance updated) {
        this.instance = updated;
    }

    /** @return the instance's breaker */
    public CircuitBreaker circuitBreaker() {
        return circuitBreaker;
    }

    @Override
    public double weight() {
        int w = instance.weight();
        if (slowStartNanos == 0) {
            return w;
        }
        long age = recent.read() - availableSince;
        if (age >= slowStartNanos) {
            return w;
        }
        return w * (SLOW_START_MIN_FACTOR + (1.0 - SLOW_START_MIN_FACTOR) * Math.max(0, age) / slowStartNanos);
    }

    /** @return whether the weight is still ramping at {@code now} */
    boolean slowStarting(long now) {
        return slowStartNanos != 0 && now - availableSince < slowStartNanos;
    }

    void availableSince(long now) {
        this.availableSince = now;
    }

    @Override
    public int inFlight() {
        return inFlight;
    }

    @Override
    public double latencyCost() {
        double c = cost;
        if (c == 0.0) {
            return 0.0;
        }
        return c * decay(recent.read() - stamp);
    }

    /**
     * The weight exp(-age/decay) of a cost recorded {@code ageNanos} ago. Selectors read it twice per
     * pick and Math.exp costs more than the rest of a pick, so ages under 1 s, where nearly all ages
     * fall under load, use the Taylor polynomial to the 4th order (error under x^5/120 < 1e-7).
     */
    static double decay(long ageNanos) {
        if (ageNanos <= 0) {
            return 1.0;
        }
        double x = ageNanos * INVERSE_DECAY_NANOS;
        if (ageNanos > POLYNOMIAL_DECAY_LIMIT_NANOS) {
            return Math.exp(-x);
        }
        return 1.0 - x * (1.0 - x * (0.5 - x * (1.0 / 6 - x * (1.0 / 24))));
    }

    /** @return what health checking says */
    public InstanceStatus.Health health() {
        return health;
    }

    void health(InstanceStatus.Health health) {
        this.health = health;
    }

    void started() {
        IN_FLIGHT.getAndAdd(this, 1);
    }

    /**
     * Ends a call: in-flight down, latency into the EWMA.
     *
     * @return whether the breaker's state differs from the one the load balancer last saw
     */
    boolean ended(long durationNanos, long nowNanos, boolean failed) {
        IN_FLIGHT.getAndAdd(this, -1);
        observe(failed ? Math.max(durationNanos, FAILURE_PENALTY_NANOS) : durationNanos, nowNanos);
        return circuitBreaker.getState() != seenState;
    }

    /** Gives back a call that never ran. */
    boolean released() {
        IN_FLIGHT.getAndAdd(this, -1);
        return circuitBreaker.getState() != seenState;
    }

    private void observe(long rtt, long now) {
        double c = cost;
        if (rtt > c) {
            c = rtt;
        } else {
            double w = decay(now - stamp);
            c = c * w + rtt * (1.0 - w);
        }
        // Release stores: readers still see the values at once, but the call's end pays for no
        // full fence (a volatile store costs one on x86).
        STAMP.setRelease(this, now);
        COST.setRelease(this, c);
    }

    /** @return whether the breaker's state changed since last seen (and records the new one) */
    boolean refreshSeenState() {
        CircuitBreaker.State now = circuitBreaker.getState();
        boolean changed = now != seenState;
        seenState = now;
        return changed;
    }

    /** @return whether the breaker lets calls through in its current state (a HALF_OPEN breaker may still refuse) */
    boolean circuitPermits() {
        switch (circuitBreaker.getState()) {
            case OPEN:
            case FORCED_OPEN:
                return false;
            default:
                return true;
        }
    }

    InstanceStatus status() {
        return new InstanceStatus(instance, circuitBreaker, health, available, inFlight,
                Duration.ofNanos((long) latencyCost()), weight());
    }

    @Override
    public String toString() {
        return instance.id() + "{" + circuitBreaker.getState() + ", inFlight=" + inFlight + '}';
    }
}
