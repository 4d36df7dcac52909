package io.github.loadbalancer4j.internal;

import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.health.HealthCheckConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * Active health checking of one load balancer's instances: one probe per instance, each scheduled
 * after the previous one ended (so checks of one instance never overlap), on the load balancer's own
 * two daemon threads or the user's scheduler; never on a caller's thread.
 */
final class HealthChecks {

    private final HealthCheckConfig config;
    private final ScheduledExecutorService scheduler;
    // Set when the checks run on their own threads (no user scheduler).
    private final @Nullable DaemonThreads threads;
    private final Runnable onChange;
    private final Map<InstanceState, Probe> probes = new ConcurrentHashMap<>();
    private volatile boolean closed;

    HealthChecks(String loadBalancerName, HealthCheckConfig config, Runnable onChange) {
        this.config = config;
        this.onChange = onChange;
        ScheduledExecutorService userScheduler = config.getScheduler();
        if (userScheduler != null) {
            this.scheduler = userScheduler;
            this.threads = null;
        } else {
            this.threads = DaemonThreads.numbered("loadbalancer4j-health-" + loadBalancerName);
            ScheduledThreadPoolExecutor own = new ScheduledThreadPoolExecutor(2, threads);
            own.setRemoveOnCancelPolicy(true);
            this.scheduler = Executors.unconfigurableScheduledExecutorService(own);
        }
    }

    /** Whether an instance that no check has passed yet may be selected. */
    boolean selectableBeforeFirstCheck() {
        return !config.isWaitForFirstCheck();
    }

    void start(InstanceState state) {
        Probe probe = new Probe(state);
        if (probes.putIfAbsent(state, probe) == null && !closed) {
            probe.schedule(config.isWaitForFirstCheck() ? 0 : nextDelayNanos());
        }
    }

    void stop(InstanceState state) {
        Probe probe = probes.remove(state);
        if (probe != null) {
            probe.stop();
        }
    }

    void close() {
        closed = true;
        for (Probe probe : probes.values()) {
            probe.stop();
        }
        probes.clear();
        if (threads != null) {
            threads.shutdownAndJoin(scheduler, true, config.getTimeout().plusSeconds(1));
        }
    }

    private long nextDelayNanos() {
        long interval = config.getInterval().toNanos();
        double jitter = config.getJitter();
        if (jitter == 0.0) {
            return interval;
        }
        double factor = 1.0 + jitter * (2.0 * ThreadLocalRandom.current().nextDouble() - 1.0);
        return (long) (interval * factor);
    }

    /** The checks of one instance. */
    private final class Probe {
        private final InstanceState state;
        private volatile boolean stopped;
        private volatile @Nullable ScheduledFuture<?> next;
        // Only touched by one check at a time: checks of an instance never overlap.
        private int consecutivePasses;
        private int consecutiveFailures;

        Probe(InstanceState state) {
            this.state = state;
        }

        void schedule(long delayNanos) {
            if (stopped || closed) {
                return;
            }
            try {
                next = scheduler.schedule(this::run, delayNanos, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                stopped = true; // the scheduler is shutting down
            }
        }

        void stop() {
            stopped = true;
            ScheduledFuture<?> f = next;
            if (f != null) {
                f.cancel(false);
            }
        }

        private void run() {
            if (stopped || closed) {
                return;
            }
            AtomicBoolean done = new AtomicBoolean();
            ScheduledFuture<?> timeout;
            try {
                timeout = scheduler.schedule(() -> finish(done, false), config.getTimeout().toNanos(), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                return;
            }
            CompletionStage<Boolean> stage;
            try {
                stage = config.getChecker().check(state.instance(), config.getTimeout());
            } catch (RuntimeException e) {
                timeout.cancel(false);
                finish(done, false);
                return;
            }
            if (stage == null) {
                timeout.cancel(false);
                finish(done, false);
                return;
            }
            stage.whenComplete((healthy, error) -> {
                timeout.cancel(false);
                finish(done, error == null && Boolean.TRUE.equals(healthy));
            });
        }

        private void finish(AtomicBoolean done, boolean passed) {
            if (!done.compareAndSet(false, true) || stopped || closed) {
                return;
            }
            if (record(passed)) {
                onChange.run();
            }
            schedule(nextDelayNanos());
        }

        /** @return whether availability may have changed */
        private boolean record(boolean passed) {
            InstanceStatus.Health health = state.health();
            boolean changed = false;
            if (passed) {
                consecutiveFailures = 0;
                consecutivePasses++;
                if (health == InstanceStatus.Health.UNKNOWN
                        || (health == InstanceStatus.Health.UNHEALTHY && consecutivePasses >= config.getHealthyThreshold())) {
                    state.health(InstanceStatus.Health.HEALTHY);
                    changed = true;
                }
                CircuitBreaker breaker = state.circuitBreaker();
                if (breaker.getState() == CircuitBreaker.State.OPEN && state.health() == InstanceStatus.Health.HEALTHY) {
                    // Background probing: real calls confirm the recovery in HALF_OPEN before the open wait ends.
                    breaker.transitionToHalfOpenState();
                    changed = true;
                }
            } else {
                consecutivePasses = 0;
                consecutiveFailures++;
                if (health != InstanceStatus.Health.UNHEALTHY && consecutiveFailures >= config.getUnhealthyThreshold()) {
                    state.health(InstanceStatus.Health.UNHEALTHY);
                    changed = true;
                }
            }
            return changed;
        }
    }
}
