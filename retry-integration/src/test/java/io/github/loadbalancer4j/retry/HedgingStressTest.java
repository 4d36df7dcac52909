package io.github.loadbalancer4j.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Hedged calls whose attempts end on other threads, in any order, while timers fire and winners cancel
 * losers: every call ends, and every attempt's lease is ended exactly once (recorded or released).
 */
class HedgingStressTest {

    /** Records every call for ten minutes and never opens: the breakers are counters here. */
    private static final CircuitBreakerConfig COUNTING = CircuitBreakerConfig.custom()
            .slidingWindow(600, Integer.MAX_VALUE, CircuitBreakerConfig.SlidingWindowType.TIME_BASED).build();

    private final ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(2);
    private final ScheduledThreadPoolExecutor completers = new ScheduledThreadPoolExecutor(4);
    private final ExecutorService callers = Executors.newFixedThreadPool(4);
    private final LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(ServiceInstance.of("127.0.0.11", 8080),
            ServiceInstance.of("127.0.0.12", 8080), ServiceInstance.of("127.0.0.13", 8080), ServiceInstance.of("127.0.0.14", 8080)),
            LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.leastRequests()).circuitBreakerConfig(COUNTING).build());

    @AfterEach
    void tearDown() {
        timers.shutdownNow();
        completers.shutdownNow();
        callers.shutdownNow();
        lb.close();
    }

    @Test
    void everyCallEndsAndEveryAttemptsLeaseIsEndedOnce() throws Exception {
        Hedging hedging = Hedging.of(lb, HedgingPolicy.custom().delay(Duration.ofNanos(500_000)).maxHedges(2)
                .budget(RetryBudget.unlimited()).build());
        AtomicInteger attempts = new AtomicInteger();
        AtomicInteger succeeded = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        List<Future<?>> done = new ArrayList<>();

        for (int t = 0; t < 4; t++) {
            done.add(callers.submit(() -> {
                for (int i = 0; i < 400; i++) {
                    CompletableFuture<String> call = hedging.executeCompletionStage(timers, instance -> {
                        attempts.incrementAndGet();
                        CompletableFuture<String> stage = new CompletableFuture<>();
                        ThreadLocalRandom random = ThreadLocalRandom.current();
                        boolean ok = random.nextInt(10) < 7;
                        Runnable end = () -> {
                            if (ok) {
                                stage.complete(instance.id());
                            } else {
                                stage.completeExceptionally(new IllegalStateException("down"));
                            }
                        };
                        completers.schedule(end, random.nextInt(1500), TimeUnit.MICROSECONDS);
                        return stage;
                    }).toCompletableFuture();
                    try {
                        call.get(10, TimeUnit.SECONDS);
                        succeeded.incrementAndGet();
                    } catch (java.util.concurrent.ExecutionException e) {
                        failed.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }

        assertThat(succeeded.get() + failed.get()).isEqualTo(1600);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(lb.getInstances()).extracting(InstanceStatus::inFlight).containsOnly(0));
        long recorded = lb.getInstances().stream().map(InstanceStatus::circuitBreaker).map(CircuitBreaker::getMetrics)
                .mapToLong(m -> m.getNumberOfSuccessfulCalls() + m.getNumberOfFailedCalls()).sum();
        assertThat(recorded + hedging.getMetrics().getNumberOfCancelledAttempts()).isEqualTo(attempts.get());
        assertThat(hedging.getMetrics().getNumberOfHedgesSent()).isEqualTo(attempts.get() - 1600);
        assertThat(hedging.getMetrics().getNumberOfHedgesSent()).isPositive();
        assertThat(hedging.getMetrics().getNumberOfHedgesWon()).isPositive().isLessThanOrEqualTo(succeeded.get());
    }
}
