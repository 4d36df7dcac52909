package io.github.loadbalancer4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.functions.CheckedSupplier;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A checked exception thrown without being declared (Kotlin code, Lombok's {@code @SneakyThrows})
 * ends the lease like any other failure, through every decorator and {@code executeX}: the in-flight
 * count goes back to 0, the breaker records the failure, and the caller gets the exception unchanged.
 */
class SneakyThrowTest {

    private static final IOException SNEAKY = new IOException("connection reset by a Kotlin client");
    private static final CircuitBreakerConfig NEVER_OPENS = CircuitBreakerConfig.custom()
            .slidingWindow(100, 100, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED).build();

    /** One decorated shape: runs one call whose body throws {@link #SNEAKY} without declaring it. */
    interface Shape {
        void call(LoadBalancer lb) throws Throwable;
    }

    static Stream<Object[]> shapes() {
        return Stream.of(
                shape("decorateSupplier", lb -> LoadBalancer.decorateSupplier(lb, i -> sneaky()).get()),
                shape("decorateFunction", lb -> LoadBalancer.<String, String>decorateFunction(lb, (i, a) -> sneaky()).apply("a")),
                shape("decorateFunction with a key", lb -> LoadBalancer.<String, String>decorateFunction(lb, a -> a,
                        (i, a) -> sneaky()).apply("a")),
                shape("decorateRunnable", lb -> LoadBalancer.decorateRunnable(lb, i -> sneaky()).run()),
                shape("decorateCallable", lb -> LoadBalancer.decorateCallable(lb, i -> sneaky()).call()),
                shape("decorateCheckedSupplier", lb -> {
                    CheckedSupplier<String> s = LoadBalancer.decorateCheckedSupplier(lb, i -> sneaky());
                    s.get();
                }),
                shape("executeSupplier with a context", lb -> lb.executeSupplier(SelectionContext.ofHashKey("k"), i -> sneaky())),
                shape("executeRunnable", lb -> lb.executeRunnable(i -> sneaky())),
                shape("decorateCompletionStage, thrown before the stage", lb -> join(
                        LoadBalancer.<String>decorateCompletionStage(lb, i -> sneaky()).get())),
                shape("decorateCompletionStage, failing the stage", lb -> join(
                        LoadBalancer.<String>decorateCompletionStage(lb, i -> CompletableFuture.failedFuture(SNEAKY)).get())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void sneakyCheckedExceptionEndsTheLeaseAndIsRethrownUnchanged(String name, Shape shape) {
        LoadBalancer lb = LoadBalancer.of("sneaky", InstanceSource.of(ServiceInstance.of("10.0.0.1", 8080)),
                LoadBalancerConfig.custom().circuitBreakerConfig(NEVER_OPENS).build());
        CircuitBreaker breaker = lb.getInstances().get(0).circuitBreaker();

        List<Throwable> thrown = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            thrown.add(catchThrowable(() -> shape.call(lb)));
        }

        assertThat(thrown).allSatisfy(t -> assertThat(t).isSameAs(SNEAKY));
        assertThat(lb.getInstances().get(0).inFlight()).isZero();
        assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(10);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void sneakyCheckedExceptionGivesBackAHalfOpenPermit(String name, Shape shape) {
        LoadBalancer lb = LoadBalancer.of("probing", InstanceSource.of(ServiceInstance.of("10.0.0.1", 8080)));
        CircuitBreaker breaker = lb.getInstances().get(0).circuitBreaker();
        breaker.transitionToOpenState();
        breaker.transitionToHalfOpenState(); // 3 permits

        for (int i = 0; i < 3; i++) {
            assertThat(catchThrowable(() -> shape.call(lb))).isSameAs(SNEAKY);
        }

        // Every probe was recorded (3 failures of 3: OPEN again); none kept its permit.
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(lb.getInstances().get(0).inFlight()).isZero();
    }

    private static Object[] shape(String name, Shape shape) {
        return new Object[] {name, shape};
    }

    private static void join(CompletionStage<?> stage) throws Throwable {
        try {
            stage.toCompletableFuture().get();
        } catch (ExecutionException e) {
            throw e.getCause();
        }
    }

    /** Throws {@link #SNEAKY} from a method that declares no checked exception, as Kotlin does. */
    static <T> T sneaky() {
        throw SneakyThrowTest.<RuntimeException>rethrow(SNEAKY);
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E rethrow(Throwable t) throws E {
        throw (E) t;
    }
}
