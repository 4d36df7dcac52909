package io.github.loadbalancer4j.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A checked exception thrown without being declared (Kotlin, Lombok's {@code @SneakyThrows}) ends
 * each attempt's lease through every failover shape, and the caller gets it unchanged after the last
 * attempt.
 */
class SneakyThrowFailoverTest {

    private static final IOException SNEAKY = new IOException("connection reset, thrown undeclared");
    private static final CircuitBreakerConfig NEVER_OPENS = CircuitBreakerConfig.custom()
            .slidingWindow(100, 100, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED).build();

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopScheduler() {
        scheduler.shutdownNow();
    }

    interface Shape {
        void call(Retry retry, LoadBalancer lb, ScheduledExecutorService scheduler) throws Throwable;
    }

    static Stream<Object[]> shapes() {
        return Stream.of(
                shape("decorateSupplier", (r, lb, s) -> FailoverRetry.decorateSupplier(r, lb, i -> sneaky()).get()),
                shape("decorateCallable", (r, lb, s) -> FailoverRetry.decorateCallable(r, lb, i -> sneaky()).call()),
                shape("decorateCheckedSupplier", (r, lb, s) -> FailoverRetry.decorateCheckedSupplier(r, lb, i -> sneaky()).get()),
                shape("decorateRunnable", (r, lb, s) -> FailoverRetry.decorateRunnable(r, lb, i -> sneaky()).run()),
                shape("decorateFunction", (r, lb, s) -> FailoverRetry.<String, String>decorateFunction(r, lb,
                        (i, a) -> sneaky()).apply("a")),
                shape("decorateCompletionStage", (r, lb, s) -> {
                    try {
                        FailoverRetry.<String>decorateCompletionStage(r, lb, s, i -> sneaky()).get().toCompletableFuture().get();
                    } catch (ExecutionException e) {
                        throw e.getCause();
                    }
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void everyAttemptEndsItsLeaseAndTheCallerGetsTheExceptionUnchanged(String name, Shape shape) {
        LoadBalancer lb = LoadBalancer.of("sneaky", InstanceSource.of(ServiceInstance.of("10.0.0.1", 8080),
                ServiceInstance.of("10.0.0.2", 8080), ServiceInstance.of("10.0.0.3", 8080)), LoadBalancerConfig.custom()
                .selectionStrategy(SelectionStrategy.roundRobin()).circuitBreakerConfig(NEVER_OPENS).build());
        Retry retry = Retry.of("sneaky", RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ofMillis(1)).build());

        Throwable thrown = catchThrowable(() -> shape.call(retry, lb, scheduler));

        assertThat(thrown).isSameAs(SNEAKY);
        assertThat(lb.getInstances()).extracting(InstanceStatus::inFlight).containsOnly(0);
        assertThat(lb.getInstances()).allSatisfy(s ->
                assertThat(s.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(1)); // 3 attempts, 3 instances
    }

    private static Object[] shape(String name, Shape shape) {
        return new Object[] {name, shape};
    }

    static <T> T sneaky() {
        throw SneakyThrowFailoverTest.<RuntimeException>rethrow(SNEAKY);
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E rethrow(Throwable t) throws E {
        throw (E) t;
    }
}
