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
import io.github.loadbalancer4j.event.InstanceAddedEvent;
import io.github.loadbalancer4j.event.InstanceEjectedEvent;
import io.github.loadbalancer4j.event.InstanceRemovedEvent;
import io.github.loadbalancer4j.event.InstanceRestoredEvent;
import io.github.loadbalancer4j.event.LoadBalancerEvent;
import io.github.loadbalancer4j.event.NoAvailableInstanceEvent;
import io.github.loadbalancer4j.event.OutlierEjectedEvent;
import io.github.loadbalancer4j.event.PanicEnteredEvent;
import io.github.loadbalancer4j.event.PanicLeftEvent;
import io.github.loadbalancer4j.event.StrategyChangedEvent;
import io.github.loadbalancer4j.internal.strategy.Strategies;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.functions.CheckedFunction;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The load balancer. A call reads one volatile {@link Snapshot}, picks from it, takes the instance's
 * breaker permission and records the outcome on that instance's state; it never takes the lock and
 * never runs an event consumer. What changes the snapshot happens elsewhere: list updates
 * ({@link InstanceList}) and strategy swaps under the lock, availability ({@link Availability}) on the
 * load balancer's own thread ({@link Refresher}), coalesced. Public only for other loadbalancer4j
 * modules; not API.
 */
public final class DefaultLoadBalancer implements LoadBalancer, InstrumentedLoadBalancer {

    private final String name;
    private final LoadBalancerConfig config;
    private final LongSupplier ticker;
    private final Clock clock;
    private final int maxSelectionAttempts;
    private final long slowStartNanos;
    private final LoadBalancerEventProcessor events = new LoadBalancerEventProcessor();
    private final CoarseTicker recent;
    private final Availability availability;
    private final LoadBalancerMetrics metrics;
    private final Refresher refresher;
    private final @Nullable HealthChecks health;
    // Null when outlier ejection is off: then calls count nothing (one null check per call's end).
    private final @Nullable OutlierDetector outliers;
    private final Object lock = new Object();
    private final InstanceSource.Subscription subscription;

    private volatile Snapshot snapshot;
    // The discovery failure reported since the last list the source delivered, if any.
    private volatile @Nullable Throwable discoveryFailure;
    // Null unless metrics are bound: the hot path then pays one volatile read per call.
    private volatile @Nullable CallObserver callObserver;

    // Guarded by lock.
    private final InstanceList list;
    private final List<CallObserver> callObservers = new ArrayList<>();
    private SelectionStrategy strategy;
    private boolean closed;

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
        this.slowStartNanos = config.getSlowStart().toNanos();
        this.recent = new CoarseTicker(ticker.getAsLong());
        this.strategy = config.getSelectionStrategy();
        this.refresher = new Refresher(name, this::refresh, events);
        this.health = config.getHealthCheck() == null ? null
                : new HealthChecks(name, config.getHealthCheck(), refresher::requestInline);
        this.availability = new Availability(config.getPanicThreshold(), slowStartNanos,
                health == null || health.selectableBeforeFirstCheck());
        this.list = new InstanceList(new InstanceCircuitBreakers(name, config), recent, slowStartNanos);
        this.outliers = config.getOutlierEjection() == null ? null
                : new OutlierDetector(config.getOutlierEjection(), ticker.getAsLong());
        OutlierDetector detector = outliers;
        this.metrics = new LoadBalancerMetrics(() -> snapshot, this::availableNow,
                detector == null ? () -> 0L : detector::ejections);
        this.snapshot = Snapshot.empty(strategy);
        this.subscription = source.subscribe(new InstanceSource.Listener() {
            @Override
            public void onInstances(List<ServiceInstance> instances) {
                discoveryFailure = null;
                update(instances);
            }

            @Override
            public void onDiscoveryFailure(Throwable cause) {
                discoveryFailure = cause;
                publish(() -> new DiscoveryFailedEvent(name, now(), cause));
            }

            @Override
            public void onDuplicateInstances(List<ServiceInstance> dropped) {
                publish(() -> new DuplicateInstancesEvent(name, now(), dropped));
            }
        });
    }

    // ---------------------------------------------------------------- the hot path

    /** The one template of the blocking calls: pick, call, record. Any Throwable ends the call and is rethrown as it is. */
    private <T> T execute(SelectionContext context, CheckedFunction<ServiceInstance, T> call) throws Throwable {
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

    /** Picks an available instance and takes its breaker's permission; its in-flight count is raised. */
    InstanceState pick(SelectionContext context, long now) {
        Snapshot s = snapshot;
        if (s.recheckDue(now)) {
            refresher.requestAsync(); // a breaker's wait may be over: looked at on the load balancer's thread
            s = snapshot;
        }
        SelectionContext ctx = context;
        for (int i = 0; i < maxSelectionAttempts; i++) {
            InstanceState chosen = choose(s, ctx);
            if (chosen == null) {
                break;
            }
            // In panic mode every known instance is tried, whatever its breaker, health or hold says.
            if (s.panic || (!chosen.held(now) && chosen.circuitBreaker().tryAcquirePermission())) {
                chosen.started();
                CallObserver observer = callObserver;
                if (observer != null) {
                    observer.onSelected(chosen);
                }
                return chosen;
            }
            // Refused (the breaker opened, HALF_OPEN has no permit left, a hold began): pick again
            // without it, and let the load balancer's thread bring the snapshot up to date.
            if (chosen.refreshSeenState()) {
                refresher.requestAsync();
            }
            s = snapshot;
            ctx = ctx.excluding(chosen.instance());
        }
        throw noAvailableInstance(s, now);
    }

    void recordSuccess(InstanceState state, long start) {
        long end = ticker.getAsLong();
        long duration = end - start;
        state.circuitBreaker().onSuccess(duration, TimeUnit.NANOSECONDS);
        ended(state, duration, end, false, CallObserver.Outcome.SUCCESSFUL);
    }

    void recordResult(InstanceState state, long start, @Nullable Object result) {
        long end = ticker.getAsLong();
        long duration = end - start;
        state.circuitBreaker().onResult(duration, TimeUnit.NANOSECONDS, result);
        // A result the breaker counts as a failure is a failure for the latency statistics too:
        // a fast bad answer must not make its instance look cheap.
        boolean failed = state.isFailure(result);
        ended(state, duration, end, failed, failed ? CallObserver.Outcome.FAILED : CallObserver.Outcome.SUCCESSFUL);
    }

    void recordError(InstanceState state, long start, Throwable error) {
        long end = ticker.getAsLong();
        long duration = end - start;
        CircuitBreaker breaker = state.circuitBreaker();
        breaker.onError(duration, TimeUnit.NANOSECONDS, error);
        CallObserver.Outcome outcome = CallObserver.Outcome.ofError(breaker.getCircuitBreakerConfig(), error);
        ended(state, duration, end, outcome == CallObserver.Outcome.FAILED, outcome);
    }

    /**
     * Records a failure and keeps the instance out of selection for {@code holdNanos}: the server
     * asked not to be called for that long (HTTP 429 or 503 with Retry-After).
     */
    void recordError(InstanceState state, long start, Throwable error, long holdNanos) {
        if (holdNanos > 0) {
            state.holdUntil(ticker.getAsLong() + holdNanos);
            refresher.requestAsync();
        }
        recordError(state, start, error);
    }

    void release(InstanceState state) {
        state.circuitBreaker().releasePermission();
        if (state.released()) {
            refresher.requestAsync();
        }
    }

    private void ended(InstanceState state, long duration, long end, boolean failed, CallObserver.Outcome outcome) {
        recent.advance(end);
        if (state.ended(duration, end, failed)) {
            refresher.requestAsync(); // its breaker moved: the snapshot follows on the load balancer's thread
        }
        if (outliers != null && outcome != CallObserver.Outcome.IGNORED) {
            state.countOutcome(failed); // what the breaker recorded, as the latency statistics take it
        }
        CallObserver observer = callObserver;
        if (observer != null) {
            observer.onEnded(state, duration, outcome);
        }
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

    private NoAvailableInstanceException noAvailableInstance(Snapshot s, long now) {
        metrics.noAvailableInstance();
        NoAvailableInstanceException e = Unavailability.exception(name, s, availability, discoveryFailure, now);
        if (events.hasConsumers()) {
            refresher.queue(new NoAvailableInstanceEvent(name, now(), e.getReason()));
            refresher.drainAsync(); // consumers run on the load balancer's thread, not the caller's
        }
        return e;
    }

    // ---------------------------------------------------------------- the execute and acquire API

    @Override
    public <T> T executeSupplier(SelectionContext context, Function<ServiceInstance, T> call) {
        try {
            return execute(context, call::apply);
        } catch (Throwable e) {
            throw sneaky(e); // what the call threw, or NoAvailableInstanceException
        }
    }

    @Override
    public <T> T executeCheckedSupplier(CheckedFunction<ServiceInstance, T> call) throws Throwable {
        return execute(SelectionContext.empty(), call);
    }

    @Override
    public <T> T executeCallable(InstanceCallable<T> call) throws Exception {
        try {
            return execute(SelectionContext.empty(), call::call);
        } catch (Throwable e) {
            throw sneaky(e); // what the call threw, or NoAvailableInstanceException
        }
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

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable e) throws E {
        throw (E) e;
    }

    // ---------------------------------------------------------------- writers

    private void update(List<ServiceInstance> instances) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            long now = ticker.getAsLong();
            InstanceList.Change change = list.apply(instances, now);
            boolean listening = events.hasConsumers();
            for (InstanceState added : change.added) {
                added.available = availability.isAvailable(added, now); // a newcomer is added, not restored
                if (listening) {
                    refresher.queue(new InstanceAddedEvent(name, now(), added.instance()));
                }
            }
            for (InstanceState removed : change.removed) {
                if (health != null) {
                    health.stop(removed);
                }
                if (listening) {
                    refresher.queue(new InstanceRemovedEvent(name, now(), removed.instance()));
                }
            }
            Availability.Result carried = change.previousPositions == null || snapshot.known != change.previous ? null
                    : availability.carryOver(list.known(), change.previousPositions, snapshot, now);
            if (carried != null) {
                publishLocked(carried, now);
            } else {
                rebuildLocked(now);
            }
            if (change.joinedRunningFleet) {
                // A newcomer to a running fleet starts from what the fleet costs now, not from nothing.
                NeutralCost.restart(change.added, Arrays.asList(snapshot.selectable), now);
            }
            if (health != null) {
                for (InstanceState added : change.added) {
                    health.start(added);
                }
            }
        }
        refresher.drain();
    }

    /** The refresher's work: availability may have changed (coalesced); on its thread or a writer's. */
    private void refresh() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            long now = ticker.getAsLong();
            if (outliers != null && outliers.due(now)) {
                sweepOutliersLocked(outliers, now);
            }
            if (snapshot.recheckDue(now)) {
                for (InstanceState state : list.known()) {
                    // After its wait an OPEN breaker moves to HALF_OPEN here (real time or an injected clock).
                    InstanceCircuitBreakers.stillWaiting(state.circuitBreaker());
                }
            }
            rebuildLocked(now);
        }
    }

    /** Opens the breakers of the outliers of the last interval; their ejection follows in the rebuild. Under the lock. */
    private void sweepOutliersLocked(OutlierDetector detector, long now) {
        List<OutlierDetector.Ejection> ejected = detector.sweep(list.known(), now);
        if (!ejected.isEmpty() && events.hasConsumers()) {
            for (OutlierDetector.Ejection e : ejected) {
                refresher.queue(new OutlierEjectedEvent(name, now(), e.state.instance(), detector.mode(),
                        e.finding.calls, e.finding.successRate, e.finding.threshold, e.openFor));
            }
        }
    }

    /** Applies what {@link Availability} says and publishes a new snapshot; queues the events it causes. Under the lock. */
    private void rebuildLocked(long now) {
        publishLocked(availability.compute(list.known(), now), now);
    }

    /** Applies {@code r}, computed over the current list, and publishes the snapshot. Under the lock. */
    private void publishLocked(Availability.Result r, long now) {
        recent.advance(now); // strategies read slow-start weights against it in newSelector
        InstanceState[] known = list.known();
        boolean listening = events.hasConsumers();
        List<InstanceState> restored = null;
        for (Availability.Transition t : r.transitions) {
            InstanceState state = t.state;
            state.available = t.ejected == null;
            if (t.ejected == null) {
                state.availableSince(now);
                if (restored == null) {
                    restored = new ArrayList<>();
                }
                restored.add(state);
            }
            if (listening) {
                refresher.queue(t.ejected == null ? new InstanceRestoredEvent(name, now(), state.instance())
                        : new InstanceEjectedEvent(name, now(), state.instance(), t.ejected));
            }
        }
        if (restored != null) {
            NeutralCost.restart(restored, Arrays.asList(r.selectable), now);
        }
        if (r.panic != snapshot.panic && listening) {
            refresher.queue(r.panic ? new PanicEnteredEvent(name, now(), r.availableCount, known.length)
                    : new PanicLeftEvent(name, now(), r.availableCount, known.length));
        }
        // The next outlier sweep is a recheck too: the first pick after it hands the sweep to the refresher.
        long recheckAt = outliers == null ? r.recheckAt : Math.min(r.recheckAt, outliers.nextSweepAt());
        snapshot = new Snapshot(known, r.selectable, r.availableCount, strategy.newSelector(Candidates.of(r.selectable)),
                strategy, r.panic, recheckAt, false, r.availableAt);
    }

    @Override
    public void changeStrategy(SelectionStrategy newStrategy) {
        requireNonNull(newStrategy, "strategy");
        if (slowStartNanos != 0 && Strategies.usesHashRing(newStrategy)) {
            throw new IllegalArgumentException("strategy: " + newStrategy + " (expected: a strategy that honours slowStart("
                    + config.getSlowStart() + "); a hash ring cannot ramp an instance up without moving keys)");
        }
        synchronized (lock) {
            SelectionStrategy previous = strategy;
            strategy = newStrategy;
            if (events.hasConsumers()) {
                refresher.queue(new StrategyChangedEvent(name, now(), previous.toString(), newStrategy.toString()));
            }
            if (!closed) {
                rebuildLocked(ticker.getAsLong());
            }
        }
        refresher.drain();
    }

    /** Queues an event built only when someone listens, and delivers it on this (a writer's) thread. */
    private void publish(Supplier<LoadBalancerEvent> event) {
        if (events.hasConsumers()) {
            synchronized (lock) {
                refresher.queue(event.get());
            }
            refresher.drain();
        }
    }

    private ZonedDateTime now() {
        return ZonedDateTime.now(clock);
    }

    private int availableNow() {
        Snapshot s = snapshot;
        if (s.closed) {
            return 0;
        }
        long now = ticker.getAsLong();
        int n = 0;
        for (InstanceState state : s.known) {
            n += availability.isAvailable(state, now) ? 1 : 0;
        }
        return n;
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
        Snapshot s = snapshot;
        long now = ticker.getAsLong();
        List<InstanceStatus> statuses = new ArrayList<>(s.known.length);
        for (InstanceState state : s.known) {
            statuses.add(state.status(!s.closed && availability.isAvailable(state, now)));
        }
        return List.copyOf(statuses);
    }

    @Override
    public void addCallObserver(CallObserver observer) {
        requireNonNull(observer, "observer");
        synchronized (lock) {
            callObservers.add(observer);
            callObserver = CallObservers.of(callObservers);
        }
    }

    @Override
    public void removeCallObserver(CallObserver observer) {
        synchronized (lock) {
            callObservers.remove(observer);
            callObserver = CallObservers.of(callObservers);
        }
    }

    @Override
    public List<InstanceState> candidates() {
        return Arrays.asList(snapshot.known.clone());
    }

    /** @return whether no availability change waits for the load balancer's thread, for tests */
    boolean settled() {
        return !refresher.busy();
    }

    /** @return how many times availability was rebuilt on the refresher's behalf, for tests of coalescing */
    long rebuilds() {
        return refresher.rebuilds();
    }

    /** @return the current snapshot, for tests */
    Snapshot snapshotForTests() {
        return snapshot;
    }

    /** @return the writers' lock, for tests that prove callers never take it */
    Object writersLock() {
        return lock;
    }

    @Override
    public Metrics getMetrics() {
        return metrics;
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
            list.clear();
            snapshot = Snapshot.closed(strategy);
        }
        // Outside the lock: a health check or refresh that waits for the lock must not hold up their join.
        subscription.close();
        if (health != null) {
            health.close();
        }
        refresher.close();
    }

    @Override
    public String toString() {
        Snapshot s = snapshot;
        return "LoadBalancer '" + name + "' (" + s.availableCount + " of " + s.known.length + " available, "
                + s.strategy + (s.closed ? ", closed" : "") + ')';
    }
}
