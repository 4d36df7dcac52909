package io.github.loadbalancer4j.benchmarks.sim;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.Lease;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.NoAvailableInstanceException;
import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.internal.BackgroundWork;
import io.github.loadbalancer4j.internal.Randomness;
import io.github.loadbalancer4j.retry.Hedging;
import io.github.loadbalancer4j.retry.RetryBudget;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * One run: one scenario, one strategy, one variant, one seed, on one thread. The real load balancer
 * (strategy, per-instance breakers on the virtual clock) picks through {@link LoadBalancer#acquire(SelectionContext)};
 * each lease ends when the simulated answer or the client's timeout arrives in virtual time, so
 * in-flight counts, latencies and breaker windows are the load balancer's own.
 *
 * <p>Failover is FailoverRetry's loop played on the lease API in virtual time, because FailoverRetry's
 * synchronous decorators block a thread per attempt (and sleep the backoff) and virtual time has no
 * thread to block. The parts are the real ones: a resilience4j {@link Retry} (max attempts
 * {@code 1 + retries}, no backoff) decides through its {@link Retry.AsyncContext} whether a failure is
 * retried, the real {@link RetryBudget} on the virtual ticker (Finagle's defaults) is deposited into
 * once per call and withdrawn from before each retry, and each retry acquires with
 * {@code ctx.excluding(previous)}, so it never repeats an instance while an untried one is available.
 *
 * <p>Hedging is the real engine itself ({@link Hedging#executeCompletionStage}): its timers run on the
 * event loop ({@link LoopScheduler}), each attempt is a stage the simulated backend completes, and the
 * engine acquires, ends and releases the leases as it does for any caller.
 */
final class Run {

    /** What a backend's failed answer looks like to the breaker. */
    static final class BackendFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BackendFailure() {
            super("simulated failure", null, false, false);
        }
    }

    /** What the client's timeout looks like to the breaker. */
    static final class AttemptTimeout extends RuntimeException {
        private static final long serialVersionUID = 1L;

        AttemptTimeout() {
            super("simulated timeout", null, false, false);
        }
    }

    private static final BackendFailure FAILURE = new BackendFailure();
    private static final AttemptTimeout TIMEOUT = new AttemptTimeout();

    private final Scenario scenario;
    private final String strategyLabel;
    private final SelectionStrategy strategy;
    private final Variant variant;
    private final long seed;

    private final VirtualTime time = new VirtualTime();
    private final EventLoop loop = new EventLoop(time);
    private final LoopScheduler scheduler = new LoopScheduler(loop);
    private final Map<String, Integer> backendIndex = new HashMap<>();
    private SimulatedBackend[] backends = new SimulatedBackend[0];
    private @Nullable LoadBalancer lb;
    private RetryBudget budget = RetryBudget.unlimited();
    private @Nullable Retry retry;
    private @Nullable Hedging hedging;
    private long refusedBeforeWarmup;
    private @Nullable SplittableRandom keys;

    private final long[] attempts;
    private long[] latencies = new long[1024];
    private int calls;
    private long successes;
    private long retries;
    private long refused;
    private long noInstance;
    private long outlierEjections;

    Run(Scenario scenario, String strategyLabel, SelectionStrategy strategy, Variant variant, long seed) {
        this.scenario = scenario;
        this.strategyLabel = strategyLabel;
        this.strategy = strategy;
        this.variant = variant;
        this.seed = seed;
        this.attempts = new long[scenario.backends().size()];
    }

    RunResult execute() {
        SplittableRandom master = new SplittableRandom(seed);
        SplittableRandom arrivals = master.split();
        List<ServiceInstance> instances = new ArrayList<>();
        List<String> names = new ArrayList<>();
        backends = new SimulatedBackend[scenario.backends().size()];
        for (int i = 0; i < backends.length; i++) {
            Backend b = scenario.backends().get(i);
            ServiceInstance instance = ServiceInstance.builder("10.0." + (i / 250) + "." + (i % 250 + 1), 8080)
                    .id(b.name()).zone(b.zone()).weight(b.weight()).build();
            instances.add(instance);
            names.add(b.name());
            backendIndex.put(b.name(), i);
            backends[i] = new SimulatedBackend(b, loop, master.split());
        }
        keys = scenario.hashKeys() > 0 ? master.split() : null;
        if (variant.retries() > 0) {
            retry = Retry.of(scenario.name(), RetryConfig.custom().maxAttempts(1 + variant.retries())
                    .waitDuration(Duration.ZERO).build());
            if (variant.hasBudget()) {
                budget = RetryBudget.custom().name(scenario.name()).ticker(time).build();
            }
        }
        LoadBalancerConfig.Builder builder = LoadBalancerConfig.custom()
                .selectionStrategy(strategy)
                .circuitBreakerConfig(variant.breakerConfig())
                .clock(time)
                .ticker(time);
        if (variant.outlierEjection() != null) {
            builder.outlierEjection(variant.outlierEjection());
        }
        LoadBalancerConfig config = builder.build();
        Randomness.useOnCurrentThread(master.split());
        // The load balancer's background work (snapshot rebuilds after breaker changes) runs here, at
        // once, in simulated order: on its own thread it would land at a real-time moment and with
        // another thread's randomness, and the same seed would no longer give the same table.
        BackgroundWork.runOnCurrentThread(true);
        try (LoadBalancer balancer = LoadBalancer.of(scenario.name(), InstanceSource.of(instances), config)) {
            lb = balancer;
            HedgingSetup setup = variant.hedging();
            if (setup != null) {
                Hedging h = Hedging.of(balancer, setup.policy(scenario.name(), time));
                hedging = h;
                loop.at(scenario.warmup().toNanos(), () -> refusedBeforeWarmup = h.getBudget().getNumberOfRefusedRetries());
            }
            startLoad(arrivals);
            loop.run();
            outlierEjections = balancer.getMetrics().getNumberOfOutlierEjections();
        } finally {
            Randomness.useOnCurrentThread(null);
            BackgroundWork.runOnCurrentThread(false);
        }
        Hedging h = hedging;
        if (h != null) {
            refused = h.getBudget().getNumberOfRefusedRetries() - refusedBeforeWarmup;
        }
        double seconds = (scenario.duration().toNanos() - scenario.warmup().toNanos()) / 1e9;
        return new RunResult(strategyLabel, variant.label(), java.util.Arrays.copyOf(latencies, calls), successes,
                attempts, names, retries, refused, noInstance, outlierEjections, seconds);
    }

    private void startLoad(SplittableRandom random) {
        Load load = scenario.load();
        long end = scenario.duration().toNanos();
        switch (load.kind) {
            case POISSON:
                poisson(random, 1e9 / load.perSecond, end);
                break;
            case FIXED_RATE:
                fixedRate(0, 1e9 / load.perSecond, end);
                break;
            default:
                for (int i = 0; i < load.callers; i++) {
                    new Caller(load.intervalNanos, end).start((long) (random.nextDouble() * load.intervalNanos));
                }
        }
    }

    private void poisson(SplittableRandom random, double meanGapNanos, long end) {
        long next = loop.now() + Math.round(-StrictMath.log(1.0 - random.nextDouble()) * meanGapNanos);
        if (next < end) {
            loop.at(next, () -> {
                startCall(null);
                poisson(random, meanGapNanos, end);
            });
        }
    }

    private void fixedRate(long k, double gapNanos, long end) {
        long next = Math.round(k * gapNanos);
        if (next < end) {
            loop.at(next, () -> {
                startCall(null);
                fixedRate(k + 1, gapNanos, end);
            });
        }
    }

    /** A closed-loop caller: sends at a tick when idle; a tick missed while waiting is taken on the answer. */
    private final class Caller {
        private final long interval;
        private final long end;
        private boolean waiting;
        private boolean tickPending;

        Caller(long interval, long end) {
            this.interval = interval;
            this.end = end;
        }

        void start(long phase) {
            loop.at(phase, this::tick);
        }

        private void tick() {
            if (waiting) {
                tickPending = true;
            } else {
                send();
            }
            if (loop.now() + interval < end) {
                loop.after(interval, this::tick);
            }
        }

        private void send() {
            waiting = true;
            startCall(this);
        }

        void answered() {
            waiting = false;
            if (tickPending && loop.now() < end) {
                tickPending = false;
                send();
            }
        }
    }

    private final class Call {
        final long start = loop.now();
        final boolean measured = start >= scenario.warmup().toNanos();
        final @Nullable Caller caller;
        final Retry.@Nullable AsyncContext<Object> retryContext;
        int sent;

        Call(@Nullable Caller caller, Retry.@Nullable AsyncContext<Object> retryContext) {
            this.caller = caller;
            this.retryContext = retryContext;
        }
    }

    private void startCall(@Nullable Caller caller) {
        Hedging h = hedging;
        if (h != null) {
            Call call = new Call(caller, null);
            h.executeCompletionStage(scheduler, instance -> hedgedAttempt(call, instance))
                    .whenComplete((ok, error) -> finish(call, error == null));
            return;
        }
        Retry r = retry;
        Call call = new Call(caller, r == null ? null : r.asyncContext());
        SplittableRandom k = keys;
        SelectionContext ctx = k == null ? SelectionContext.empty() : SelectionContext.ofHashKey(k.nextInt(scenario.hashKeys()));
        if (r != null) {
            budget.deposit();
        }
        attempt(call, ctx);
    }

    private void attempt(Call call, SelectionContext ctx) {
        Lease lease;
        try {
            lease = lb.acquire(ctx);
        } catch (NoAvailableInstanceException e) {
            if (call.measured) {
                noInstance++;
            }
            failed(call, ctx, null, e);
            return;
        }
        int b = backendIndex.get(lease.instance().id());
        if (call.measured) {
            attempts[b]++;
        }
        Attempt attempt = new Attempt(call, ctx, lease);
        backends[b].receive(attempt);
        if (scenario.timeout() != null) {
            loop.after(scenario.timeout().toNanos(), attempt::timedOut);
        }
    }

    /** One attempt of a hedged call: a stage the backend completes (or the client's timeout fails). */
    private CompletionStage<Boolean> hedgedAttempt(Call call, ServiceInstance instance) {
        int b = backendIndex.get(instance.id());
        if (call.measured) {
            attempts[b]++;
            if (call.sent > 0) {
                retries++; // a hedge
            }
        }
        call.sent++;
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        backends[b].receive(success -> {
            if (success) {
                answer.complete(Boolean.TRUE);
            } else {
                answer.completeExceptionally(FAILURE);
            }
        });
        if (scenario.timeout() != null) {
            loop.after(scenario.timeout().toNanos(), () -> answer.completeExceptionally(TIMEOUT));
        }
        return answer;
    }

    private final class Attempt implements SimulatedBackend.Request {
        private final Call call;
        private final SelectionContext ctx;
        private final Lease lease;
        private boolean over;

        Attempt(Call call, SelectionContext ctx, Lease lease) {
            this.call = call;
            this.ctx = ctx;
            this.lease = lease;
        }

        @Override
        public void answered(boolean success) {
            if (over) {
                return; // the client gave up on it already
            }
            over = true;
            if (success) {
                lease.onSuccess();
                Retry.AsyncContext<Object> rc = call.retryContext;
                if (rc != null && rc.onResult(Boolean.TRUE) < 0) {
                    rc.onComplete();
                }
                finish(call, true);
            } else {
                lease.onError(FAILURE);
                failed(call, ctx, lease.instance(), FAILURE);
            }
        }

        void timedOut() {
            if (over) {
                return;
            }
            over = true;
            lease.onError(TIMEOUT);
            failed(call, ctx, lease.instance(), TIMEOUT);
        }
    }

    private void failed(Call call, SelectionContext ctx, @Nullable ServiceInstance tried, RuntimeException error) {
        Retry.AsyncContext<Object> rc = call.retryContext;
        long delayMillis = rc == null ? -1 : rc.onError(error);
        if (delayMillis < 0) {
            finish(call, false); // not retried, or the Retry's attempts are used up
            return;
        }
        if (!budget.tryWithdraw()) {
            if (call.measured) {
                refused++;
            }
            finish(call, false);
            return;
        }
        if (call.measured) {
            retries++;
        }
        SelectionContext next = tried == null ? ctx : ctx.excluding(tried);
        if (delayMillis == 0) {
            attempt(call, next);
        } else {
            loop.after(delayMillis * 1_000_000L, () -> attempt(call, next));
        }
    }

    private void finish(Call call, boolean success) {
        if (call.measured) {
            if (calls == latencies.length) {
                latencies = java.util.Arrays.copyOf(latencies, calls * 2);
            }
            latencies[calls++] = loop.now() - call.start;
            if (success) {
                successes++;
            }
        }
        if (call.caller != null) {
            call.caller.answered();
        }
    }
}
