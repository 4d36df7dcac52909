package io.github.loadbalancer4j.internal;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.Candidate;
import io.github.loadbalancer4j.Candidates;
import io.github.loadbalancer4j.InstanceCallable;
import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.Lease;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.NoAvailableInstanceException;
import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.event.DiscoveryFailedEvent;
import io.github.loadbalancer4j.event.DuplicateInstancesEvent;
import io.github.loadbalancer4j.event.EjectionReason;
import io.github.loadbalancer4j.event.InstanceAddedEvent;
import io.github.loadbalancer4j.event.InstanceEjectedEvent;
import io.github.loadbalancer4j.event.InstanceRemovedEvent;
import io.github.loadbalancer4j.event.InstanceRestoredEvent;
import io.github.loadbalancer4j.event.LoadBalancerEvent;
import io.github.loadbalancer4j.event.NoAvailableInstanceEvent;
import io.github.loadbalancer4j.event.PanicEnteredEvent;
import io.github.loadbalancer4j.event.PanicLeftEvent;
import io.github.loadbalancer4j.event.StrategyChangedEvent;
import io.github.loadbalancer4j.internal.strategy.ConsistentHashStrategy;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.functions.CheckedFunction;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The load balancer. Readers (every call) read one volatile {@link Snapshot}; writers (list updates,
 * breaker state changes, strategy swaps) rebuild it under one lock and publish events after leaving
 * it. Public only for other loadbalancer4j modules; not API.
 */
public final class DefaultLoadBalancer implements LoadBalancer {

    /** How often ejected breakers are looked at again, in ticker time. */
    static final long RECHECK_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String name;
    private final LoadBalancerConfig config;
    private final LongSupplier ticker;
    private final Clock clock;
    private final int maxSelectionAttempts;
    private final LoadBalancerEventProcessor events = new LoadBalancerEventProcessor();
    private final InstanceCircuitBreakers breakers;
    private final CoarseTicker recent;
    private final LongAdder noAvailableCalls = new LongAdder();
    private final Object lock = new Object();
    private final @Nullable HealthChecks health;
    private final long slowStartNanos;

    private volatile Snapshot snapshot;
    // The discovery failure reported since the last list the source delivered, if any.
    private volatile @Nullable Throwable discoveryFailure;
    // Null unless metrics are bound: the hot path then pays one volatile read per call.
    private volatile @Nullable CallObserver callObserver;
    // Guarded by lock.
    private final List<CallObserver> callObservers = new ArrayList<>();
    // Guarded by lock.
    private Map<String, InstanceState> byId = new LinkedHashMap<>();
    private SelectionStrategy strategy;
    private boolean closed;
    private boolean initialized;
    private final InstanceSource.Subscription subscription;

    /**
     * Creates a load balancer and subscribes it to its source.
     *
     * @param name the service's name
     * @param source the instance source
     * @param config the config
     */
    public DefaultLoadBalancer(String name, InstanceSource source, LoadBalancerConfig config) {
        requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name: '" + name + "' (expected: a non-blank name)");
        }
        this.name = name;
        requireNonNull(source, "source");
        this.config = requireNonNull(config, "config");
        this.ticker = config.getTicker();
        this.clock = config.getClock();
        this.maxSelectionAttempts = config.getMaxSelectionAttempts();
        this.breakers = new InstanceCircuitBreakers(name, config);
        this.recent = new CoarseTicker(ticker.getAsLong());
        this.strategy = config.getSelectionStrategy();
        this.slowStartNanos = config.getSlowStart().toNanos();
        this.health = config.getHealthCheck() == null ? null
                : new HealthChecks(name, config.getHealthCheck(), this::availabilityChanged);
        this.snapshot = new Snapshot(new InstanceState[0], new InstanceState[0], 0,
                strategy.newSelector(Candidates.empty()), strategy, false, Snapshot.NEVER, false);
        this.subscription = source.subscribe(new InstanceSource.Listener() {
            @Override
            public void onInstances(List<ServiceInstance> instances) {
                discoveryFailure = null;
                update(instances);
            }

            @Override
            public void onDiscoveryFailure(Throwable cause) {
                discoveryFailure = cause;
                if (events.hasConsumers()) {
                    events.processEvent(new DiscoveryFailedEvent(name, now(), cause));
                }
            }

            @Override
            public void onDuplicateInstances(List<ServiceInstance> dropped) {
                if (events.hasConsumers()) {
                    events.processEvent(new DuplicateInstancesEvent(name, now(), dropped));
                }
            }
        });
    }

    // ---------------------------------------------------------------- the hot path

    @Override
    public <T> T executeSupplier(SelectionContext context, Function<ServiceInstance, T> call) {
        long start = ticker.getAsLong();
        InstanceState state = pick(context, start);
        T result;
        try {
            result = call.apply(state.instance());
        } catch (Throwable e) {
            // Throwable, not RuntimeException | Error: Kotlin and Lombok code throws checked exceptions undeclared.
            recordError(state, start, e);
            throw e;
        }
        recordResult(state, start, result);
        return result;
    }

    @Override
    public <T> T executeCheckedSupplier(CheckedFunction<ServiceInstance, T> call) throws Throwable {
        long start = ticker.getAsLong();
        InstanceState state = pick(SelectionContext.empty(), start);
        T result;
        try {
            result = call.apply(state.instance());
        } catch (Throwable e) {
            recordError(state, start, e);
            throw e;
        }
        recordResult(state, start, result);
        return result;
    }

    @Override
    public <T> T executeCallable(InstanceCallable<T> call) throws Exception {
        long start = ticker.getAsLong();
        InstanceState state = pick(SelectionContext.empty(), start);
        T result;
        try {
            result = call.call(state.instance());
        } catch (Throwable e) {
            recordError(state, start, e);
            throw e;
        }
        recordResult(state, start, result);
        return result;
    }

    @Override
    public <T> CompletionStage<T> executeCompletionStage(SelectionContext context,
            Function<ServiceInstance, CompletionStage<T>> call) {
        long start = ticker.getAsLong();
        InstanceState state;
        try {
            state = pick(context, start);
        } catch (NoAvailableInstanceException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletionStage<T> stage;
        try {
            stage = call.apply(state.instance());
            if (stage == null) {
                throw new NullPointerException("the call returned null (expected: a CompletionStage)");
            }
        } catch (Throwable e) {
            recordError(state, start, e);
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        stage.whenComplete((value, error) -> {
            if (error == null) {
                recordResult(state, start, value);
                result.complete(value);
            } else {
                recordError(state, start, error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
                result.completeExceptionally(error);
            }
        });
        return result;
    }

    @Override
    public Lease acquire(SelectionContext context) {
        requireNonNull(context, "context");
        long start = ticker.getAsLong();
        return new DefaultLease(this, pick(context, start), start);
    }

    /** Picks an available instance and takes its breaker's permission; its in-flight count is raised. */
    InstanceState pick(SelectionContext context, long now) {
        Snapshot s = snapshot;
        if (s.recheckDue(now)) {
            s = recheck(now);
        }
        SelectionContext ctx = context;
        for (int i = 0; i < maxSelectionAttempts; i++) {
            InstanceState chosen = choose(s, ctx);
            if (chosen == null) {
                break;
            }
            if (chosen.circuitBreaker().tryAcquirePermission() || s.panic) {
                // In panic mode every known instance is tried, whatever its breaker or health says.
                chosen.started();
                CallObserver observer = callObserver;
                if (observer != null) {
                    observer.onSelected(chosen);
                }
                return chosen;
            }
            // Lost a race for the permission (the breaker opened, or HALF_OPEN has no permit left).
            if (chosen.refreshSeenState()) {
                availabilityChanged();
            }
            s = snapshot;
            ctx = ctx.excluding(chosen.instance());
        }
        throw noAvailableInstance(s);
    }

    /** The selector's pick, moved off instances this call already tried while an untried one exists. */
    private static @Nullable InstanceState choose(Snapshot s, SelectionContext ctx) {
        InstanceState first = cast(s.selector.select(ctx), s);
        if (first == null || !ctx.hasTried() || !ctx.isTried(first.instance())) {
            return first;
        }
        InstanceState again = cast(s.selector.select(ctx), s);
        if (again != null && !ctx.isTried(again.instance())) {
            return again;
        }
        InstanceState[] all = s.selectable;
        int offset = Randomness.current().nextInt(all.length);
        for (int i = 0; i < all.length; i++) {
            InstanceState candidate = all[(offset + i) % all.length];
            if (!ctx.isTried(candidate.instance())) {
                return candidate;
            }
        }
        return first; // every selectable instance was tried: reuse one
    }

    private static @Nullable InstanceState cast(@Nullable Candidate candidate, Snapshot s) {
        if (candidate == null || candidate instanceof InstanceState) {
            return (InstanceState) candidate;
        }
        throw new IllegalStateException("strategy " + s.strategy + " returned " + candidate
                + " (expected: one of the candidates passed to newSelector)");
    }

    void recordSuccess(InstanceState state, long start) {
        long end = ticker.getAsLong();
        long duration = end - start;
        state.circuitBreaker().onSuccess(duration, TimeUnit.NANOSECONDS);
        ended(state, duration, end, false);
        CallObserver observer = callObserver;
        if (observer != null) {
            observer.onEnded(state, duration, CallObserver.Outcome.SUCCESSFUL);
        }
    }

    void recordResult(InstanceState state, long start, @Nullable Object result) {
        long end = ticker.getAsLong();
        long duration = end - start;
        state.circuitBreaker().onResult(duration, TimeUnit.NANOSECONDS, result);
        // A result the breaker counts as a failure is a failure for the latency statistics too:
        // a fast bad answer must not make its instance look cheap.
        boolean failed = state.isFailure(result);
        ended(state, duration, end, failed);
        CallObserver observer = callObserver;
        if (observer != null) {
            observer.onEnded(state, duration, failed ? CallObserver.Outcome.FAILED : CallObserver.Outcome.SUCCESSFUL);
        }
    }

    void recordError(InstanceState state, long start, Throwable error) {
        long end = ticker.getAsLong();
        long duration = end - start;
        CircuitBreaker breaker = state.circuitBreaker();
        breaker.onError(duration, TimeUnit.NANOSECONDS, error);
        CircuitBreakerConfig bc = breaker.getCircuitBreakerConfig();
        boolean counted = bc.getRecordExceptionPredicate().test(error) && !bc.getIgnoreExceptionPredicate().test(error);
        ended(state, duration, end, counted);
        CallObserver observer = callObserver;
        if (observer != null) {
            observer.onEnded(state, duration, CallObserver.Outcome.ofError(bc, error));
        }
    }

    /**
     * Records a failure and keeps the instance out of selection for {@code holdNanos}: the server
     * asked not to be called for that long (HTTP 429 or 503 with Retry-After).
     */
    void recordError(InstanceState state, long start, Throwable error, long holdNanos) {
        if (holdNanos > 0) {
            state.holdUntil(ticker.getAsLong() + holdNanos);
        }
        recordError(state, start, error);
        if (holdNanos > 0) {
            availabilityChanged();
        }
    }

    void release(InstanceState state) {
        state.circuitBreaker().releasePermission();
        if (state.released()) {
            availabilityChanged();
        }
    }

    private void ended(InstanceState state, long duration, long end, boolean failed) {
        recent.advance(end);
        if (state.ended(duration, end, failed)) {
            availabilityChanged();
        }
    }

    // ---------------------------------------------------------------- writers

    private void update(List<ServiceInstance> instances) {
        List<LoadBalancerEvent> pending = new ArrayList<>();
        synchronized (lock) {
            if (closed) {
                return;
            }
            long now = ticker.getAsLong();
            Map<String, InstanceState> next = new LinkedHashMap<>();
            List<InstanceState> added = new ArrayList<>();
            // Breakers first, then the states in one run: the states that selectors read on every pick
            // then lie next to each other in memory instead of between their breakers (P2 at 10,000).
            Map<String, CircuitBreaker> newBreakers = new LinkedHashMap<>();
            for (ServiceInstance instance : instances) {
                if (!byId.containsKey(instance.id())) {
                    newBreakers.put(instance.id(), breakers.create(instance));
                }
            }
            for (ServiceInstance instance : instances) {
                InstanceState state = byId.get(instance.id());
                if (state == null) {
                    // Slow start applies to instances that join later, not to the first list.
                    state = new InstanceState(instance, newBreakers.get(instance.id()), recent, slowStartNanos,
                            initialized ? now : now - slowStartNanos);
                    state.available = isAvailable(state);
                    added.add(state);
                    pending.add(new InstanceAddedEvent(name, now(), instance));
                } else {
                    state.instance(instance);
                }
                next.put(instance.id(), state);
            }
            for (InstanceState old : byId.values()) {
                if (!next.containsKey(old.instance().id())) {
                    if (health != null) {
                        health.stop(old);
                    }
                    breakers.remove(old.instance(), old.circuitBreaker());
                    pending.add(new InstanceRemovedEvent(name, now(), old.instance()));
                }
            }
            boolean joined = initialized && !added.isEmpty();
            byId = next;
            initialized = true;
            rebuildLocked(now, pending);
            if (joined) {
                // A newcomer to a running fleet starts from what the fleet costs now, not from nothing.
                NeutralCost.restart(added, Arrays.asList(snapshot.selectable), now);
            }
            if (health != null) {
                for (InstanceState state : added) {
                    health.start(state);
                }
            }
        }
        publish(pending);
    }

    /** A breaker's state or an instance's health changed: recompute what is selectable. */
    private void availabilityChanged() {
        List<LoadBalancerEvent> pending = new ArrayList<>();
        synchronized (lock) {
            if (closed) {
                return;
            }
            rebuildLocked(ticker.getAsLong(), pending);
        }
        publish(pending);
    }

    private Snapshot recheck(long now) {
        List<LoadBalancerEvent> pending = new ArrayList<>();
        Snapshot s;
        synchronized (lock) {
            if (!closed && snapshot.recheckDue(now)) {
                for (InstanceState state : byId.values()) {
                    // After its wait an OPEN breaker moves to HALF_OPEN here (real time or an injected clock).
                    InstanceCircuitBreakers.stillWaiting(state.circuitBreaker());
                }
                rebuildLocked(now, pending);
            }
            s = snapshot;
        }
        publish(pending);
        return s;
    }

    @Override
    public void changeStrategy(SelectionStrategy newStrategy) {
        requireNonNull(newStrategy, "strategy");
        if (slowStartNanos != 0 && ConsistentHashStrategy.isUsedBy(newStrategy)) {
            throw new IllegalArgumentException("strategy: " + newStrategy + " (expected: a strategy that honours slowStart("
                    + config.getSlowStart() + "); a hash ring cannot ramp an instance up without moving keys)");
        }
        List<LoadBalancerEvent> pending = new ArrayList<>();
        synchronized (lock) {
            SelectionStrategy previous = strategy;
            strategy = newStrategy;
            pending.add(new StrategyChangedEvent(name, now(), previous.toString(), newStrategy.toString()));
            if (!closed) {
                rebuildLocked(ticker.getAsLong(), pending);
            }
        }
        publish(pending);
    }

    /** Recomputes availability and the selector; appends the events this causes. Call under {@link #lock}. */
    private void rebuildLocked(long now, List<LoadBalancerEvent> pending) {
        recent.advance(now); // strategies read slow-start weights against it in newSelector
        InstanceState[] known = byId.values().toArray(new InstanceState[0]);
        List<InstanceState> available = new ArrayList<>(known.length);
        List<InstanceState> restored = null;
        boolean anyCircuitOpen = false;
        boolean anySlowStarting = false;
        long holdEnds = Snapshot.NEVER;
        for (InstanceState state : known) {
            state.refreshSeenState();
            boolean permits = state.circuitPermits();
            anyCircuitOpen |= !permits;
            boolean held = state.held(now);
            if (held) {
                holdEnds = Math.min(holdEnds, state.holdEnds());
            }
            boolean healthy = healthAllows(state);
            boolean isAvailable = permits && healthy && !held;
            if (isAvailable != state.available) {
                state.available = isAvailable;
                if (isAvailable) {
                    state.availableSince(now);
                    if (restored == null) {
                        restored = new ArrayList<>();
                    }
                    restored.add(state);
                }
                pending.add(isAvailable
                        ? new InstanceRestoredEvent(name, now(), state.instance())
                        : new InstanceEjectedEvent(name, now(), state.instance(),
                                !permits ? EjectionReason.CIRCUIT_OPEN
                                        : !healthy ? EjectionReason.UNHEALTHY : EjectionReason.RETRY_AFTER));
            }
            if (isAvailable) {
                available.add(state);
                anySlowStarting |= state.slowStarting(now);
            }
        }
        if (restored != null) {
            NeutralCost.restart(restored, available, now);
        }
        double threshold = config.getPanicThreshold();
        boolean panic = threshold > 0 && known.length > 0 && available.size() < threshold * known.length;
        Snapshot previous = snapshot;
        if (panic != previous.panic) {
            pending.add(panic
                    ? new PanicEnteredEvent(name, now(), available.size(), known.length)
                    : new PanicLeftEvent(name, now(), available.size(), known.length));
        }
        InstanceState[] selectable = panic ? known : available.toArray(new InstanceState[0]);
        snapshot = new Snapshot(known, selectable, available.size(), strategy.newSelector(Candidates.of(selectable)),
                strategy, panic, recheckAt(now, anyCircuitOpen, anySlowStarting, holdEnds), false);
    }

    /**
     * When to look again: for breakers whose wait may be over, to refresh slow-start weights in
     * selectors, and when a Retry-After hold ends.
     */
    private long recheckAt(long now, boolean anyCircuitOpen, boolean anySlowStarting, long holdEnds) {
        long at = holdEnds;
        if (anyCircuitOpen) {
            at = Math.min(at, now + RECHECK_INTERVAL_NANOS);
        }
        if (anySlowStarting) {
            at = Math.min(at, now + Math.max(slowStartNanos / 20, TimeUnit.MILLISECONDS.toNanos(1)));
        }
        return at;
    }

    private boolean isAvailable(InstanceState state) {
        return state.circuitPermits() && healthAllows(state);
    }

    private boolean healthAllows(InstanceState state) {
        InstanceStatus.Health h = state.health();
        return h == InstanceStatus.Health.HEALTHY
                || (h == InstanceStatus.Health.UNKNOWN && (health == null || health.selectableBeforeFirstCheck()));
    }

    private void publish(List<LoadBalancerEvent> pending) {
        if (events.hasConsumers()) {
            for (LoadBalancerEvent event : pending) {
                events.processEvent(event);
            }
        }
    }

    private NoAvailableInstanceException noAvailableInstance(Snapshot s) {
        noAvailableCalls.increment();
        Throwable failure = s.known.length == 0 && !s.closed ? discoveryFailure : null;
        String reason = failure != null ? "(0 known: discovery failed: " + describe(failure) + ")" : describeUnavailability(s);
        if (events.hasConsumers()) {
            events.processEvent(new NoAvailableInstanceEvent(name, now(), reason));
        }
        return failure != null ? new NoAvailableInstanceException(name, reason, failure)
                : new NoAvailableInstanceException(name, reason);
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        return message == null || message.isBlank() ? failure.getClass().getName() : message;
    }

    private String describeUnavailability(Snapshot s) {
        if (s.closed) {
            return "(the load balancer is closed)";
        }
        if (s.known.length == 0) {
            return "(0 known: discovery returned no instances)";
        }
        int open = 0;
        int halfOpen = 0;
        int unhealthy = 0;
        int refusing = 0;
        int awaitingCheck = 0;
        for (InstanceState state : s.known) {
            CircuitBreaker.State cbState = state.circuitBreaker().getState();
            if (state.health() == InstanceStatus.Health.UNHEALTHY) {
                unhealthy++;
            } else if (!healthAllows(state)) {
                awaitingCheck++;
            } else if (cbState == CircuitBreaker.State.OPEN || cbState == CircuitBreaker.State.FORCED_OPEN) {
                open++;
            } else if (cbState == CircuitBreaker.State.HALF_OPEN) {
                halfOpen++;
            } else {
                refusing++;
            }
        }
        List<String> parts = new ArrayList<>(4);
        if (open > 0) {
            parts.add(open + " circuit open");
        }
        if (halfOpen > 0) {
            parts.add(halfOpen + " circuit half-open with no permit left");
        }
        if (unhealthy > 0) {
            parts.add(unhealthy + " unhealthy");
        }
        if (awaitingCheck > 0) {
            parts.add(awaitingCheck + " awaiting their first health check");
        }
        if (refusing > 0) {
            parts.add(refusing + " refused the permission");
        }
        return "(" + s.known.length + " known: " + String.join(", ", parts) + ")";
    }

    private ZonedDateTime now() {
        return ZonedDateTime.now(clock);
    }

    // ---------------------------------------------------------------- the rest of the API

    @Override
    public String getName() {
        return name;
    }

    @Override
    public LoadBalancerConfig getConfig() {
        return config;
    }

    @Override
    public SelectionStrategy getSelectionStrategy() {
        return snapshot.strategy;
    }

    @Override
    public List<InstanceStatus> getInstances() {
        InstanceState[] known = snapshot.known;
        List<InstanceStatus> list = new ArrayList<>(known.length);
        for (InstanceState state : known) {
            list.add(state.status());
        }
        return List.copyOf(list);
    }

    /**
     * Tells an observer of every call started and ended from now on, for other loadbalancer4j
     * modules (metrics).
     *
     * @param observer the observer; fast, non-blocking, never throwing
     */
    public void addCallObserver(CallObserver observer) {
        requireNonNull(observer, "observer");
        synchronized (lock) {
            callObservers.add(observer);
            callObserver = CallObservers.of(callObservers);
        }
    }

    /**
     * Stops telling an observer of calls; does nothing if it was not added.
     *
     * @param observer the observer
     */
    public void removeCallObserver(CallObserver observer) {
        synchronized (lock) {
            callObservers.remove(observer);
            callObserver = CallObservers.of(callObservers);
        }
    }

    /** @return the live per-instance states, for other loadbalancer4j modules (metrics, health) */
    public List<InstanceState> instanceStates() {
        return Arrays.asList(snapshot.known.clone());
    }

    @Override
    public Metrics getMetrics() {
        return new Metrics() {
            @Override
            public int getNumberOfKnownInstances() {
                return snapshot.known.length;
            }

            @Override
            public int getNumberOfAvailableInstances() {
                return snapshot.availableCount;
            }

            @Override
            public int getNumberOfCircuitOpenInstances() {
                int n = 0;
                for (InstanceState state : snapshot.known) {
                    n += state.circuitPermits() ? 0 : 1;
                }
                return n;
            }

            @Override
            public int getNumberOfUnhealthyInstances() {
                int n = 0;
                for (InstanceState state : snapshot.known) {
                    n += state.health() == InstanceStatus.Health.UNHEALTHY ? 1 : 0;
                }
                return n;
            }

            @Override
            public long getNumberOfNoAvailableInstanceCalls() {
                return noAvailableCalls.sum();
            }

            @Override
            public boolean isPanicking() {
                return snapshot.panic;
            }
        };
    }

    @Override
    public EventPublisher getEventPublisher() {
        return events;
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            subscription.close();
            if (health != null) {
                health.close();
            }
            breakers.removeAll(byId.values());
            byId = new LinkedHashMap<>();
            snapshot = new Snapshot(new InstanceState[0], new InstanceState[0], 0, ctx -> null, strategy, false,
                    Snapshot.NEVER, true);
        }
    }

    @Override
    public String toString() {
        Snapshot s = snapshot;
        return "LoadBalancer '" + name + "' (" + s.availableCount + " of " + s.known.length + " available, "
                + s.strategy + (s.closed ? ", closed" : "") + ')';
    }
}
