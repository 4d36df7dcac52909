package io.github.loadbalancer4j.retry;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.decorators.Decorators;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The composition order {@code docs/failover.md} recommends, outermost first:
 * fallback, Bulkhead, overall TimeLimiter, FailoverRetry, per-attempt TimeLimiter, the call.
 * FailoverRetry must sit around the call itself so that every retry picks an instance again. The
 * page's example runs verbatim in {@link #aPerAttemptTimeLimiterInsideFailoverMovesASlowAttemptToAnotherInstance}.
 */
class DecoratorsCompositionTest {

    /** The page's {@code client}: an asynchronous HTTP client. */
    interface AsyncClient {
        CompletionStage<String> getAsync(URI uri);
    }

    private static final CircuitBreakerConfig NEVER_OPENS = CircuitBreakerConfig.custom().recordException(e -> false).build();

    private final ServiceInstance a = ServiceInstance.of("127.0.0.11", 8080);
    private final ServiceInstance b = ServiceInstance.of("127.0.0.12", 8080);
    private final ServiceInstance c = ServiceInstance.of("127.0.0.13", 8080);
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private final Retry retry = Retry.of("orders", RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ZERO).build());
    private final List<LoadBalancer> loadBalancers = new ArrayList<>();

    @AfterEach
    void tearDown() {
        scheduler.shutdownNow();
        loadBalancers.forEach(LoadBalancer::close);
    }

    @Test
    void failoverInsideBulkheadAndFallbackPicksAgainOnEveryRetry() {
        LoadBalancer lb = loadBalancer(CircuitBreakerConfig.ofDefaults());
        Bulkhead bulkhead = Bulkhead.of("orders", BulkheadConfig.custom().maxConcurrentCalls(1).build());
        List<ServiceInstance> tried = new ArrayList<>();
        List<Integer> permitsLeftDuringAttempts = new ArrayList<>();
        Supplier<String> decorated = Decorators
                .ofSupplier(FailoverRetry.of(retry, lb).withBudget(RetryBudget.unlimited()).<String>decorateSupplier(instance -> {
                    tried.add(instance);
                    permitsLeftDuringAttempts.add(bulkhead.getMetrics().getAvailableConcurrentCalls());
                    throw new IllegalStateException("down: " + instance.id());
                }))
                .withBulkhead(bulkhead)
                .withFallback(List.of(IllegalStateException.class, BulkheadFullException.class), e -> "fallback after " + e.getMessage())
                .decorate();

        String result = decorated.get();

        assertThat(result).startsWith("fallback after down: ");
        assertThat(tried).containsExactlyInAnyOrder(a, b, c);
        assertThat(permitsLeftDuringAttempts).containsOnly(0); // one permit held for the whole call, retries included
        assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(1);
        assertThat(lb.getInstances()).allSatisfy(status ->
                assertThat(status.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(1));
    }

    @Test
    void aRetryInsideThePickHitsTheSameInstanceAgain() {
        LoadBalancer lb = loadBalancer(NEVER_OPENS);
        List<ServiceInstance> tried = new ArrayList<>();
        Supplier<String> wrongOrder = LoadBalancer.decorateSupplier(lb, instance -> Decorators.ofSupplier(() -> {
            tried.add(instance);
            if (tried.size() < 3) {
                throw new IllegalStateException("down: " + instance.id());
            }
            return "ok";
        }).withRetry(retry).get());

        String result = wrongOrder.get();

        assertThat(result).isEqualTo("ok");
        assertThat(tried).hasSize(3).containsOnly(tried.get(0)); // what FailoverRetry exists to avoid
    }

    @Test
    void aPerAttemptTimeLimiterInsideFailoverMovesASlowAttemptToAnotherInstance() throws Exception {
        LoadBalancer orders = loadBalancer(CircuitBreakerConfig.ofDefaults());
        RetryBudget budget = RetryBudget.unlimited();
        TimeLimiter perAttempt = TimeLimiter.of(TimeLimiterConfig.custom().timeoutDuration(Duration.ofMillis(100)).build());
        TimeLimiter overall = TimeLimiter.of(TimeLimiterConfig.custom().timeoutDuration(Duration.ofSeconds(10)).build());
        Bulkhead bulkhead = Bulkhead.of("orders", BulkheadConfig.custom().maxConcurrentCalls(4).build());
        List<URI> tried = new CopyOnWriteArrayList<>();
        AsyncClient client = uri -> {
            tried.add(uri);
            return tried.size() == 1 ? new CompletableFuture<>() // the first instance never answers
                    : CompletableFuture.completedFuture("ok from " + uri.getHost());
        };

        Supplier<CompletionStage<String>> failover = FailoverRetry.of(retry, orders).withBudget(budget)
                .decorateCompletionStage(scheduler, instance -> perAttempt.executeCompletionStage(scheduler,
                        () -> client.getAsync(instance.uri("/orders/42"))));

        CompletionStage<String> order = Decorators.ofCompletionStage(failover)
                .withTimeLimiter(overall, scheduler)
                .withBulkhead(bulkhead)
                .withFallback(List.of(TimeoutException.class, BulkheadFullException.class), e -> "cached order")
                .get();
        String result = order.toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(result).isEqualTo("ok from " + tried.get(1).getHost());
        assertThat(tried).hasSize(2).doesNotHaveDuplicates();
        InstanceStatus slow = orders.getInstances().stream().filter(s -> s.instance().uri("/orders/42").equals(tried.get(0)))
                .findFirst().orElseThrow();
        assertThat(slow.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
        assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(4);
    }

    @Test
    void whenEveryAttemptTimesOutTheFallbackAnswers() throws Exception {
        LoadBalancer lb = loadBalancer(NEVER_OPENS);
        TimeLimiter perAttempt = TimeLimiter.of(TimeLimiterConfig.custom().timeoutDuration(Duration.ofMillis(50)).build());
        List<ServiceInstance> tried = new CopyOnWriteArrayList<>();
        Supplier<CompletionStage<String>> failover = FailoverRetry.of(retry, lb).withBudget(RetryBudget.unlimited()).decorateCompletionStage(scheduler, instance -> perAttempt.executeCompletionStage(scheduler, () -> {
                    tried.add(instance);
                    return new CompletableFuture<String>();
                }));

        String result = Decorators.ofCompletionStage(failover)
                .withFallback(List.of(TimeoutException.class), e -> "fallback")
                .get().toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(result).isEqualTo("fallback");
        assertThat(tried).containsExactlyInAnyOrder(a, b, c);
    }

    private LoadBalancer loadBalancer(CircuitBreakerConfig breakers) {
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(a, b, c),
                LoadBalancerConfig.custom().circuitBreakerConfig(breakers).build());
        loadBalancers.add(lb);
        return lb;
    }
}
