package io.github.loadbalancer4j.internal;

import io.github.loadbalancer4j.Candidate;
import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Everything the load balancer knows about one instance: its breaker, in-flight count, peak-EWMA
 * latency, health and effective weight. It outlives strategy changes, which is what lets a strategy
 * be swapped with nothing lost. Public only for other loadbalancer4j modules; not API.
 */
public final class InstanceState implements StampedCost {

    /** Finagle's peak-EWMA decay time. */
    static final long DECAY_NANOS = Duration.ofSeconds(10).toNanos();
    /**
     * A failure is recorded as a latency of at least this much, so that fast failures do not attract
     * traffic. A fast-failing instance has next to nothing in flight, so its cost is about this
     * penalty alone, while a healthy one costs latency x (inFlight + 1): 5 s keeps the failing one the
     * dearer up to ~50 calls in flight per instance at 100 ms (1 s lost at ~10: the simulator's black
     * hole scenario at 1,000 calls/s sent it 16% of attempts).
     */
    static final long FAILURE_PENALTY_NANOS = Duration.ofSeconds(5).toNanos();
    /**
     * An instance whose last call failed and that no call has reached for this long gets one probe
     * call under peakEwma(), and a probe that succeeds forgives its failure penalty: otherwise a
     * backend that died under load (its cost the penalty, its breaker never reaching its threshold
     * because no call goes there any more) would wait a minute for the penalty to decay after it is
     * back. One call every 2 s to an instance still failing is the price.
     */
    static final long PROBE_AFTER_NANOS = Duration.ofSeconds(2).toNanos();
    /** The share of its weight a slow-starting instance begins with. */
    static final double SLOW_START_MIN_FACTOR = 0.1;
    /** A multiplication is several times cheaper than a division on the read path. */
    private static final double INVERSE_DECAY_NANOS = 1.0 / DECAY_NANOS;
    /** {@link #decay}: the age's bits below this shift (2^20 ns, 1 ms) are decayed to the first order. */
    private static final int FINE_SHIFT = 20;
    /** {@link #decay}: the age's bits from this shift up (2^29 ns, 0.54 s) index the coarse table. */
    private static final int COARSE_SHIFT = 29;
    private static final int COARSE_STEPS = 1024;
    /** exp(-age/decay) for ages k x 2^29 ns, k below 1024 (up to 550 s). */
    private static final double[] COARSE_DECAY = decayTable(COARSE_STEPS, COARSE_SHIFT);
    /** exp(-age/decay) for ages k x 2^20 ns, k below 512 (up to 0.54 s). */
    private static final double[] MEDIUM_DECAY = decayTable(1 << (COARSE_SHIFT - FINE_SHIFT), FINE_SHIFT);
    /** Ages from here on (550 s) take Math.exp. */
    private static final long TABLE_LIMIT_NANOS = (long) COARSE_STEPS << COARSE_SHIFT;

    /** resilience4j shares one default predicate between every config that sets none. */
    private static final Predicate<Object> DEFAULT_RESULT_PREDICATE =
            CircuitBreakerConfig.ofDefaults().getRecordResultPredicate();
    /** {@link #heldUntil} when the instance is not held out. */
    private static final long NOT_HELD = Long.MIN_VALUE;

    private static final VarHandle IN_FLIGHT;
    private static final VarHandle COST;
    private static final VarHandle STAMP;
    private static final VarHandle SUCCESSES;
    private static final VarHandle FAILURES;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            IN_FLIGHT = lookup.findVarHandle(InstanceState.class, "inFlight", int.class);
            COST = lookup.findVarHandle(InstanceState.class, "cost", double.class);
            STAMP = lookup.findVarHandle(InstanceState.class, "stamp", long.class);
            SUCCESSES = lookup.findVarHandle(InstanceState.class, "successes", long.class);
            FAILURES = lookup.findVarHandle(InstanceState.class, "failures", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final CircuitBreaker circuitBreaker;
    /** The breaker's recordResult predicate, or null when it is resilience4j's default (no result is a failure). */
    private final @Nullable Predicate<Object> failedResult;
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

    /** Whether the last call that ended failed: its cost is then the failure penalty, and it may be probed. */
    private volatile boolean failing;

    /** Ticker time until which the server asked not to be called (Retry-After), or {@link #NOT_HELD}. */
    private volatile long heldUntil = NOT_HELD;

    // Outlier ejection's counts of the calls ended since its last sweep, as the breaker recorded them;
    // only counted while outlier ejection is on. Two counters, not one packed word: a call ends as one
    // or the other, so either way it pays a single atomic add.
    @SuppressWarnings("unused") // updated through SUCCESSES
    private volatile long successes;
    @SuppressWarnings("unused") // updated through FAILURES
    private volatile long failures;
    /**
     * Outlier ejection's multiplier of the breaker's open wait (Envoy's and gRPC's): one more per
     * ejection, one less per sweep that judged the instance on enough calls and did not eject it.
     * Under the load balancer's lock.
     */
    int outlierEjections;

    /** Whether the selector may pick it, as last applied; written only under the load balancer's lock. */
    boolean available;
    /** Its index in the known list; written only under the load balancer's lock. */
    int position;

    InstanceState(ServiceInstance instance, CircuitBreaker circuitBreaker, CoarseTicker recent, long slowStartNanos,
            long availableSince) {
        this.instance = instance;
        this.circuitBreaker = circuitBreaker;
        this.recent = recent;
        this.slowStartNanos = slowStartNanos;
        this.availableSince = availableSince;
        this.seenState = circuitBreaker.getState();
        Predicate<Object> predicate = circuitBreaker.getCircuitBreakerConfig().getRecordResultPredicate();
        this.failedResult = predicate == DEFAULT_RESULT_PREDICATE ? null : predicate;
    }

    /**
     * Whether the breaker counts a result as a failure, asked as the breaker asks it (a null result
     * never is), so that the latency statistics count what the breaker counts.
     */
    boolean isFailure(@Nullable Object result) {
        Predicate<Object> predicate = failedResult;
        return predicate != null && result != null && predicate.test(result);
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
        return slowStartNanos == 0 ? w : w * slowStartFactor();
    }

    @Override
    public double slowStartFactor() {
        if (slowStartNanos == 0) {
            return 1.0;
        }
        long age = recent.read() - availableSince;
        if (age >= slowStartNanos) {
            return 1.0;
        }
        return SLOW_START_MIN_FACTOR + (1.0 - SLOW_START_MIN_FACTOR) * Math.max(0, age) / slowStartNanos;
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

    @Override
    public double undecayedCost() {
        return cost;
    }

    @Override
    public long costStamp() {
        return stamp;
    }

    /**
     * The weight exp(-age/decay) of a cost recorded {@code ageNanos} ago, on every pick of
     * {@code peakEwma()}. Math.exp, or even a 4th-order polynomial, is a chain of dependent floating
     * point steps that costs more than the rest of a pick; so the age is split by its bits into a
     * coarse step (2^29 ns) and a medium step (2^20 ns), whose weights come from two small tables
     * (8 KB and 4 KB, filled with Math.exp), and a remainder under 1.05 ms, decayed to the first order
     * (relative error under {@code x^2/2 < 5.5e-9}). Ages from 550 s on take Math.exp.
     *
     * @param ageNanos the age; 0 or less gives 1
     * @return the weight, in (0, 1]
     */
    public static double decay(long ageNanos) {
        if (ageNanos <= 0) {
            return 1.0;
        }
        if (ageNanos >= TABLE_LIMIT_NANOS) {
            return Math.exp(-ageNanos * INVERSE_DECAY_NANOS);
        }
        double fine = 1.0 - (ageNanos & ((1L << FINE_SHIFT) - 1)) * INVERSE_DECAY_NANOS;
        int medium = (int) (ageNanos >>> FINE_SHIFT) & (MEDIUM_DECAY.length - 1);
        return COARSE_DECAY[(int) (ageNanos >>> COARSE_SHIFT)] * MEDIUM_DECAY[medium] * fine;
    }

    private static double[] decayTable(int steps, int shift) {
        double[] table = new double[steps];
        for (int k = 0; k < steps; k++) {
            table[k] = Math.exp(-((double) ((long) k << shift)) * INVERSE_DECAY_NANOS);
        }
        return table;
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
        if (failed) {
            observe(Math.max(durationNanos, FAILURE_PENALTY_NANOS), nowNanos);
            if (!failing) {
                failing = true;
            }
        } else {
            if (failing && nowNanos - stamp >= PROBE_AFTER_NANOS) {
                restartCost(durationNanos, nowNanos); // a probe answered: the instance is back, its penalty forgiven
            } else {
                observe(durationNanos, nowNanos);
            }
            if (failing) {
                failing = false;
            }
        }
        return circuitBreaker.getState() != seenState;
    }

    /** Counts an ended call for outlier ejection. */
    void countOutcome(boolean failed) {
        if (failed) {
            FAILURES.getAndAdd(this, 1L);
        } else {
            SUCCESSES.getAndAdd(this, 1L);
        }
    }

    /** @return the successes counted since the last call, which start again from 0 */
    long takeSuccesses() {
        return (long) SUCCESSES.getAndSet(this, 0L);
    }

    /** @return the failures counted since the last call, which start again from 0 */
    long takeFailures() {
        return (long) FAILURES.getAndSet(this, 0L);
    }

    @Override
    public boolean failing() {
        return failing;
    }

    /** Gives back a call that never ran. */
    boolean released() {
        IN_FLIGHT.getAndAdd(this, -1);
        return circuitBreaker.getState() != seenState;
    }

    /**
     * Starts the latency statistics again from {@code cost}: an instance that becomes available again
     * (its breaker left OPEN, health checks restored it) or joins a running fleet would otherwise keep
     * the 5 s failure penalty it ended with, or cost nothing at all, and power of two choices would
     * never (or always) pick it: a restarted backend got no call for a minute under peakEwma().
     *
     * @param cost the cost to start from, usually the median of the available instances' costs
     * @param now ticker time
     */
    void restartCost(double cost, long now) {
        STAMP.setRelease(this, now);
        COST.setRelease(this, cost);
    }

    /**
     * Keeps the instance out of selection until {@code until} (the server's Retry-After).
     *
     * @param until ticker time
     */
    void holdUntil(long until) {
        long current = heldUntil;
        if (current == NOT_HELD || until - current > 0) {
            heldUntil = until;
        }
    }

    /** @return whether the instance is held out at {@code now} */
    boolean held(long now) {
        long until = heldUntil;
        return until != NOT_HELD && now - until < 0;
    }

    /** @return the ticker time a hold ends, or {@link Long#MAX_VALUE} when none is in force */
    long holdEnds() {
        long until = heldUntil;
        return until == NOT_HELD ? Long.MAX_VALUE : until;
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
        if (now == seenState) {
            return false; // no write: a rebuild over 100,000 instances would otherwise dirty every state
        }
        seenState = now;
        return true;
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

    InstanceStatus status(boolean available) {
        return new InstanceStatus(instance, circuitBreaker, health, available, inFlight,
                Duration.ofNanos((long) latencyCost()), weight());
    }

    @Override
    public String toString() {
        return instance.id() + "{" + circuitBreaker.getState() + ", inFlight=" + inFlight + '}';
    }
}
