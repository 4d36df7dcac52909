package io.github.loadbalancer4j.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AsyncFailoverRetryTest {

    private static final CircuitBreakerConfig NEVER_OPENS = CircuitBreakerConfig.custom().recordException(e -> false).build();

    private final ServiceInstance a = ServiceInstance.of("127.0.0.11", 8080);
    private final ServiceInstance b = ServiceInstance.of("127.0.0.12", 8080);
    private final ServiceInstance c = ServiceInstance.of("127.0.0.13", 8080);
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, runnable -> {
        Thread thread = new Thread(runnable, "backoff");
        thread.setDaemon(true);
        return thread;
    });
    private final ScheduledThreadPoolExecutor completer = new ScheduledThreadPoolExecutor(1);
    private final List<LoadBalancer> loadBalancers = new ArrayList<>();

    @AfterEach
    void tearDown() {
        scheduler.shutdownNow();
        completer.shutdownNow();
        loadBalancers.forEach(LoadBalancer::close);
    }

    @Test
    void theCallerIsNeverBlockedForTheBackoff() {
        LoadBalancer lb = loadBalancer(CircuitBreakerConfig.ofDefaults(), a, b, c);
        Retry retry = Retry.of("orders", RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ofHours(1)).build());
        AtomicInteger attempts = new AtomicInteger();

        CompletionStage<String> stage = FailoverRetry.of(retry, lb).withBudget(RetryBudget.unlimited()).executeCompletionStage(scheduler,
                instance -> {
                    attempts.incrementAndGet();
                    return CompletableFuture.failedFuture(new IllegalStateException("down"));
                });

        assertThat(stage.toCompletableFuture()).isNotDone();
        assertThat(attempts).hasValue(1);
        assertThat(scheduler.getQueue()).singleElement()
                .satisfies(task -> assertThat(((java.util.concurrent.Delayed) task).getDelay(TimeUnit.MINUTES)).isBetween(59L, 60L));
    }

    @Test
    void retriesRunOnTheSchedulerAndMoveToAnotherInstance() throws Exception {
        LoadBalancer lb = loadBalancer(NEVER_OPENS, a, b, c);
        Retry retry = Retry.of("orders", RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ofMillis(10)).build());
        List<String> threads = new CopyOnWriteArrayList<>();
        List<ServiceInstance> tried = new CopyOnWriteArrayList<>();

        String result = FailoverRetry.of(retry, lb).withBudget(RetryBudget.unlimited()).executeCompletionStage(scheduler, instance -> {
            threads.add(Thread.currentThread().getName());
            tried.add(instance);
            return tried.size() < 3 ? CompletableFuture.<String>failedFuture(new IllegalStateException("down"))
                    : CompletableFuture.completedFuture("ok from " + instance.id());
        }).toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(result).startsWith("ok from ");
        assertThat(tried).doesNotHaveDuplicates().hasSize(3);
        assertThat(threads.get(0)).isEqualTo(Thread.currentThread().getName());
        assertThat(threads.subList(1, 3)).containsOnly("backoff");
    }

    @Test
    void eachOutcomeIsRecordedOnTheInstanceItWentTo() throws Exception {
        LoadBalancer lb = loadBalancer(CircuitBreakerConfig.ofDefaults(), a, b, c);
        Retry retry = Retry.of("orders", RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ZERO).build());
        Map<ServiceInstance, AtomicInteger> sent = new ConcurrentHashMap<>();

        for (int i = 0; i < 20; i++) {
            String result = FailoverRetry.of(retry, lb).withBudget(RetryBudget.unlimited()).executeCompletionStage(scheduler, instance -> {
                sent.computeIfAbsent(instance, x -> new AtomicInteger()).incrementAndGet();
                // Complete later on another thread, so that the outcome arrives after other attempts started.
                CompletableFuture<String> later = new CompletableFuture<>();
                completer.schedule(() -> {
                    if (instance.equals(a)) {
                        later.completeExceptionally(new IllegalStateException("a is down"));
                    } else {
                        later.complete(instance.id());
                    }
                }, 1, TimeUnit.MILLISECONDS);
                return later;
            }).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(result).isNotEqualTo(a.id());
        }

        assertThat(sent.get(a)).isNotNull();
        for (InstanceStatus status : lb.getInstances()) {
            var metrics = status.circuitBreaker().getMetrics();
            int calls = sent.getOrDefault(status.instance(), new AtomicInteger()).get();
            assertThat(metrics.getNumberOfFailedCalls()).isEqualTo(status.instance().equals(a) ? calls : 0);
            assertThat(metrics.getNumberOfSuccessfulCalls()).isEqualTo(status.instance().equals(a) ? 0 : calls);
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(lb.getInstances()).extracting(InstanceStatus::inFlight).containsOnly(0));
    }

    @Test
    void completesWhenTheRetrysExceptionPredicateThrows() throws Exception {
        LoadBalancer lb = loadBalancer(NEVER_OPENS, a, b);
        Retry retry = Retry.of("orders", RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ZERO)
                .retryOnException(e -> {
                    throw new IllegalArgumentException("predicate bug");
                }).build());

        CompletableFuture<String> stage = FailoverRetry.of(retry, lb).withBudget(RetryBudget.unlimited()).executeCompletionStage(scheduler,
                instance -> CompletableFuture.<String>failedFuture(new IllegalStateException("down"))).toCompletableFuture();

        assertThat(stage).failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingCause()
                .isInstanceOf(IllegalArgumentException.class).withMessage("predicate bug")
                .satisfies(e -> assertThat(e.getSuppressed()).singleElement().isInstanceOf(IllegalStateException.class));
        assertThat(lb.getInstances()).extracting(InstanceStatus::inFlight).containsOnly(0);
    }

    @Test
    void completesWhenTheRetrysResultPredicateThrows() {
        LoadBalancer lb = loadBalancer(NEVER_OPENS, a, b);
        Retry retry = Retry.of("orders", RetryConfig.<String>custom().maxAttempts(3).waitDuration(Duration.ZERO)
                .retryOnResult(result -> {
                    throw new IllegalArgumentException("result predicate bug");
                }).build());

        CompletableFuture<String> stage = FailoverRetry.of(retry, lb).withBudget(RetryBudget.unlimited()).executeCompletionStage(scheduler,
                instance -> CompletableFuture.completedFuture("ok")).toCompletableFuture();

        assertThat(stage).failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingCause()
                .isInstanceOf(IllegalArgumentException.class).withMessage("result predicate bug");
    }

    @Test
    void aCallThatThrowsOrReturnsNullIsAFailedAttempt() throws Exception {
        LoadBalancer lb = loadBalancer(CircuitBreakerConfig.ofDefaults(), a, b, c);
        Retry retry = Retry.of("orders", RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ZERO).build());
        List<ServiceInstance> tried = new CopyOnWriteArrayList<>();
        Function<ServiceInstance, CompletionStage<String>> call = instance -> {
            tried.add(instance);
            if (tried.size() == 1) {
                throw new IllegalStateException("threw instead of returning a stage");
            }
            if (tried.size() == 2) {
                return null;
            }
            return CompletableFuture.completedFuture("ok");
        };

        String result = FailoverRetry.of(retry, lb).withBudget(RetryBudget.unlimited()).executeCompletionStage(scheduler, call)
                .toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(result).isEqualTo("ok");
        assertThat(tried).doesNotHaveDuplicates().hasSize(3);
        assertThat(breakerOf(lb, tried.get(0)).getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
        assertThat(breakerOf(lb, tried.get(1)).getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
        assertThat(breakerOf(lb, tried.get(2)).getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
    }

    @Test
    void completesWithTheLastFailureWhenTheSchedulerRefusesTheRetry() {
        LoadBalancer lb = loadBalancer(NEVER_OPENS, a, b);
        Retry retry = Retry.of("orders", RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ZERO).build());
        scheduler.shutdown();

        CompletableFuture<String> stage = FailoverRetry.of(retry, lb).withBudget(RetryBudget.unlimited()).executeCompletionStage(scheduler,
                instance -> CompletableFuture.<String>failedFuture(new IllegalStateException("down"))).toCompletableFuture();

        assertThat(stage).failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingCause()
                .isInstanceOf(IllegalStateException.class).withMessage("down")
                .satisfies(e -> assertThat(e.getSuppressed()).singleElement().isInstanceOf(RejectedExecutionException.class));
    }

    @Test
    void anEmptyBudgetCompletesWithTheLastFailure() {
        LoadBalancer lb = loadBalancer(NEVER_OPENS, a, b);
        Retry retry = Retry.of("orders", RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ZERO).build());
        RetryBudget empty = RetryBudget.custom().percentCanRetry(0.0).minRetriesPerSecond(0).build();
        AtomicInteger attempts = new AtomicInteger();

        CompletableFuture<String> stage = FailoverRetry.of(retry, lb).withBudget(empty).executeCompletionStage(scheduler,
                instance -> CompletableFuture.<String>failedFuture(
                        new IllegalStateException("attempt " + attempts.incrementAndGet()))).toCompletableFuture();

        assertThat(stage).failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingCause()
                .isInstanceOf(IllegalStateException.class).withMessage("attempt 1");
        assertThat(empty.getNumberOfRefusedRetries()).isEqualTo(1);
    }

    @Test
    void anErrorIsNotRetried() {
        LoadBalancer lb = loadBalancer(NEVER_OPENS, a, b);
        Retry retry = Retry.of("orders", RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ZERO).build());
        AtomicInteger attempts = new AtomicInteger();

        CompletableFuture<String> stage = FailoverRetry.of(retry, lb).withBudget(RetryBudget.unlimited()).executeCompletionStage(scheduler,
                instance -> {
                    attempts.incrementAndGet();
                    return CompletableFuture.<String>failedFuture(new AssertionError("an Error"));
                }).toCompletableFuture();

        assertThat(stage).failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingCause().isInstanceOf(AssertionError.class);
        assertThat(attempts).hasValue(1);
    }

    @Test
    void cancellingTheStageStopsFurtherAttempts() {
        LoadBalancer lb = loadBalancer(NEVER_OPENS, a, b, c);
        Retry retry = Retry.of("orders", RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ofMillis(20)).build());
        AtomicInteger attempts = new AtomicInteger();
        Supplier<CompletionStage<String>> call = FailoverRetry.of(retry, lb).withBudget(RetryBudget.unlimited()).decorateCompletionStage(scheduler, instance -> {
                    attempts.incrementAndGet();
                    return CompletableFuture.failedFuture(new IllegalStateException("down"));
                });

        CompletableFuture<String> stage = call.get().toCompletableFuture();
        stage.cancel(false);
        await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.getCompletedTaskCount() == 1);

        assertThat(attempts).hasValue(1);
        assertThat(stage).isCancelled();
    }

    private LoadBalancer loadBalancer(CircuitBreakerConfig breakers, ServiceInstance... instances) {
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(instances),
                LoadBalancerConfig.custom().circuitBreakerConfig(breakers).build());
        loadBalancers.add(lb);
        return lb;
    }

    private static io.github.resilience4j.circuitbreaker.CircuitBreaker breakerOf(LoadBalancer lb, ServiceInstance instance) {
        return lb.getInstances().stream().filter(s -> s.instance().equals(instance)).findFirst().orElseThrow().circuitBreaker();
    }
}
