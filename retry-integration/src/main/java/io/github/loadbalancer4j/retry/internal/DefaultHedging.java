package io.github.loadbalancer4j.retry.internal;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.retry.Deadline;
import io.github.loadbalancer4j.retry.Hedging;
import io.github.loadbalancer4j.retry.HedgingPolicy;
import io.github.loadbalancer4j.retry.RetryBudget;
import io.github.loadbalancer4j.retry.event.HedgeSentEvent;
import io.github.loadbalancer4j.retry.event.HedgeWonEvent;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The {@link Hedging} of {@link Hedging#of}: what its calls share (the latency histogram of a percentile
 * delay, the counters, the event publisher) and the decorators, each a thin driver of the
 * {@link HedgedCall} engine.
 *
 * <p>Public for the loadbalancer4j modules (the OkHttp interceptor makes one per route and drives its
 * calls with {@link #newCall}); not API.
 */
public final class DefaultHedging implements Hedging {

    /** How long the latency histogram writes one generation: its percentile covers the last 10 to 20 s. */
    static final Duration LATENCY_WINDOW = Duration.ofSeconds(10);

    private final LoadBalancer loadBalancer;
    private final HedgingPolicy policy;
    private final RetryBudget budget;
    private final @Nullable LatencyHistogram histogram;
    private final HedgingMetrics metrics;
    private final HedgingEventProcessor events;
    private final @Nullable Duration deadline;
    private final Duration minAttemptTime;

    private DefaultHedging(LoadBalancer loadBalancer, HedgingPolicy policy, RetryBudget budget, @Nullable LatencyHistogram histogram,
            HedgingMetrics metrics, HedgingEventProcessor events, @Nullable Duration deadline, Duration minAttemptTime) {
        this.loadBalancer = loadBalancer;
        this.policy = policy;
        this.budget = budget;
        this.histogram = histogram;
        this.metrics = metrics;
        this.events = events;
        this.deadline = deadline;
        this.minAttemptTime = minAttemptTime;
    }

    /**
     * @param loadBalancer picks every attempt's instance
     * @param policy when and how often to hedge
     * @return a new hedging, with its own histogram, counters and events
     */
    public static DefaultHedging of(LoadBalancer loadBalancer, HedgingPolicy policy) {
        requireNonNull(loadBalancer, "loadBalancer");
        requireNonNull(policy, "policy");
        RetryBudget budget = policy.getBudget() != null ? policy.getBudget() : DefaultBudgets.of(loadBalancer);
        LatencyHistogram histogram = policy.getFixedDelay() != null ? null
                : new LatencyHistogram(policy.getPercentile(), HedgingPolicy.MIN_SAMPLES, LATENCY_WINDOW.toNanos(),
                        loadBalancer.getConfig().getTicker());
        return new DefaultHedging(loadBalancer, policy, budget, histogram, new HedgingMetrics(), new HedgingEventProcessor(), null,
                Duration.ZERO);
    }

    // ------------------------------------------------------------------------------------ for the engine

    /**
     * Makes a hedged call; {@link HedgedCall#start()} starts it.
     *
     * @param attempts how to start and cancel an attempt
     * @param hedged whether the call may be hedged (its request is idempotent): else it has one attempt
     * @param mayMoveOn which failures send the next hedge at once (only {@link Exception}s are asked)
     * @param callDeadline the call's deadline, started; null for none
     * @param timers runs the hedges' and the deadline's timers; null when the caller waits with
     *     {@link BlockingHedging#await}
     * @param first the first attempt's selection context
     * @param <T> the result type
     * @return the call, not started
     */
    public <T> HedgedCall<T> newCall(HedgedCall.Attempts<T> attempts, boolean hedged, Predicate<Throwable> mayMoveOn,
            @Nullable Deadline callDeadline, @Nullable ScheduledExecutorService timers, SelectionContext first) {
        return new HedgedCall<>(this, requireNonNull(attempts, "attempts"), hedged, requireNonNull(mayMoveOn, "mayMoveOn"),
                callDeadline, timers, requireNonNull(first, "first"));
    }

    /** @return the ticker every time of this hedging is read from: the load balancer's */
    public LongSupplier ticker() {
        return loadBalancer.getConfig().getTicker();
    }

    /** @return a deadline started now for one call (from {@link #withDeadline}), or null */
    public @Nullable Deadline startDeadline() {
        Duration timeout = deadline;
        return timeout == null ? null : Deadline.after(timeout, minAttemptTime, ticker());
    }

    /** @return the delay before a call's next hedge, in nanoseconds; -1 while a percentile has too few samples */
    long delayNanos() {
        Duration fixed = policy.getFixedDelay();
        if (fixed != null) {
            return fixed.toNanos();
        }
        long percentile = requireNonNull(histogram, "histogram").percentileNanos();
        return percentile < 0 ? -1 : Math.max(percentile, policy.getMinDelay().toNanos());
    }

    void recordFirstAttempt(long nanos) {
        LatencyHistogram h = histogram;
        if (h != null) {
            h.record(nanos);
        }
    }

    HedgingMetrics metrics() {
        return metrics;
    }

    void sent(ServiceInstance instance, int hedge, long afterNanos) {
        metrics.sent.increment();
        if (events.hasConsumers()) {
            events.processEvent(new HedgeSentEvent(loadBalancer.getName(), now(), instance, hedge, Duration.ofNanos(afterNanos)));
        }
    }

    void won(ServiceInstance instance, int hedge, long latencyNanos) {
        metrics.won.increment();
        if (events.hasConsumers()) {
            events.processEvent(new HedgeWonEvent(loadBalancer.getName(), now(), instance, hedge, Duration.ofNanos(latencyNanos)));
        }
    }

    private ZonedDateTime now() {
        return ZonedDateTime.now(loadBalancer.getConfig().getClock());
    }

    // ------------------------------------------------------------------------------------ Hedging

    @Override
    public <T> Supplier<CompletionStage<T>> decorateCompletionStage(ScheduledExecutorService scheduler,
            Function<ServiceInstance, ? extends CompletionStage<T>> call) {
        requireNonNull(scheduler, "scheduler");
        requireNonNull(call, "call");
        return () -> AsyncHedging.execute(this, scheduler, true, call);
    }

    @Override
    public <A, R> Function<A, CompletionStage<R>> decorateCompletionStageFunction(ScheduledExecutorService scheduler,
            BiFunction<ServiceInstance, A, ? extends CompletionStage<R>> call) {
        requireNonNull(scheduler, "scheduler");
        requireNonNull(call, "call");
        return argument -> AsyncHedging.execute(this, scheduler, policy.isIdempotent(argument),
                instance -> call.apply(instance, argument));
    }

    @Override
    public <T> Supplier<T> decorateSupplier(ExecutorService executor, Function<ServiceInstance, T> call) {
        requireNonNull(executor, "executor");
        requireNonNull(call, "call");
        return () -> run(executor, true, call);
    }

    @Override
    public <A, R> Function<A, R> decorateFunction(ExecutorService executor, BiFunction<ServiceInstance, A, R> call) {
        requireNonNull(executor, "executor");
        requireNonNull(call, "call");
        return argument -> run(executor, policy.isIdempotent(argument), instance -> call.apply(instance, argument));
    }

    /** Runs a blocking call; what it threw, checked or not, is rethrown as it is. */
    private <T> T run(ExecutorService executor, boolean hedged, Function<ServiceInstance, T> call) {
        try {
            return BlockingHedging.execute(this, executor, hedged, call);
        } catch (Throwable e) {
            throw DefaultHedging.<RuntimeException>sneakyThrow(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneakyThrow(Throwable e) throws E {
        throw (E) e;
    }

    @Override
    public Hedging withDeadline(Duration timeout) {
        requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
        }
        return withDeadline(timeout, Deadline.defaultMinAttemptTime(timeout));
    }

    @Override
    public Hedging withDeadline(Duration timeout, Duration minAttemptTime) {
        Deadline.after(timeout, minAttemptTime, ticker()); // checks both as a deadline does
        return new DefaultHedging(loadBalancer, policy, budget, histogram, metrics, events, timeout, minAttemptTime);
    }

    @Override
    public LoadBalancer getLoadBalancer() {
        return loadBalancer;
    }

    @Override
    public HedgingPolicy getPolicy() {
        return policy;
    }

    @Override
    public RetryBudget getBudget() {
        return budget;
    }

    @Override
    public @Nullable Duration getCurrentDelay() {
        long nanos = delayNanos();
        return nanos < 0 ? null : Duration.ofNanos(nanos);
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
    public String toString() {
        return "Hedging{loadBalancer=" + loadBalancer.getName() + ", " + policy + ", budget=" + budget.getName()
                + (deadline != null ? ", deadline=" + deadline : "") + ", " + metrics + '}';
    }
}
