package io.github.loadbalancer4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.event.DiscoveryFailedEvent;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.functions.CheckedSupplier;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class DecoratorsTest {

    private final ServiceInstance a = ServiceInstance.of("127.0.0.11", 8080);
    private final ServiceInstance b = ServiceInstance.of("127.0.0.12", 8080);

    @Test
    void everyDecoratorHandsTheChosenInstanceToTheCall() throws Throwable {
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(a), LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).build());
        AtomicReference<ServiceInstance> ran = new AtomicReference<>();

        Supplier<String> supplier = LoadBalancer.decorateSupplier(lb, ServiceInstance::id);
        CheckedSupplier<String> checked = LoadBalancer.decorateCheckedSupplier(lb, ServiceInstance::id);
        Callable<String> callable = LoadBalancer.decorateCallable(lb, ServiceInstance::id);
        Runnable runnable = LoadBalancer.decorateRunnable(lb, ran::set);
        Function<String, String> function = LoadBalancer.decorateFunction(lb, (instance, path) -> instance.uri(path).toString());
        Supplier<CompletionStage<String>> async = LoadBalancer.decorateCompletionStage(lb,
                instance -> CompletableFuture.completedFuture(instance.id()));
        runnable.run();

        assertThat(supplier.get()).isEqualTo("127.0.0.11:8080");
        assertThat(checked.get()).isEqualTo("127.0.0.11:8080");
        assertThat(callable.call()).isEqualTo("127.0.0.11:8080");
        assertThat(ran.get()).isEqualTo(a);
        assertThat(function.apply("/orders/42")).isEqualTo("http://127.0.0.11:8080/orders/42");
        assertThat(async.get().toCompletableFuture().get(1, TimeUnit.SECONDS)).isEqualTo("127.0.0.11:8080");
        assertThat(lb.decorateSupplier(ServiceInstance::port).get()).isEqualTo(8080);
        assertThat(lb.getInstances().get(0).circuitBreaker().getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(7);
    }

    @Test
    void checkedExceptionsPassThroughAndAreRecorded() {
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(a), LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).build());
        Callable<String> callable = LoadBalancer.decorateCallable(lb, instance -> {
            throw new IOException("connection reset by " + instance.id());
        });

        assertThatThrownBy(callable::call).isInstanceOf(IOException.class).hasMessage("connection reset by 127.0.0.11:8080");
        assertThat(lb.getInstances().get(0).circuitBreaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
        assertThat(lb.getInstances().get(0).inFlight()).isZero();
    }

    @Test
    void completionStageCompletesWhenTheCallThrowsBeforeReturningAStage() {
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(a), LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).build());
        Supplier<CompletionStage<String>> async = LoadBalancer.decorateCompletionStage(lb, instance -> {
            throw new IllegalStateException("could not even start");
        });

        CompletableFuture<String> future = async.get().toCompletableFuture();

        assertThat(future).isCompletedExceptionally();
        assertThatThrownBy(future::join).hasCauseInstanceOf(IllegalStateException.class);
        assertThat(lb.getInstances().get(0).circuitBreaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
        assertThat(lb.getInstances().get(0).inFlight()).isZero();
    }

    @Test
    void completionStageRecordsAsyncFailuresOnTheChosenInstancesBreaker() {
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(a, b), LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).build());
        Supplier<CompletionStage<String>> async = LoadBalancer.decorateCompletionStage(lb, instance -> instance.equals(b)
                ? CompletableFuture.supplyAsync(() -> {
                    throw new CompletionException(new IOException("b failed"));
                })
                : CompletableFuture.supplyAsync(() -> "ok"));

        int failures = 0;
        for (int i = 0; i < 10; i++) {
            try {
                async.get().toCompletableFuture().join();
            } catch (CompletionException e) {
                assertThat(e).hasCauseInstanceOf(IOException.class);
                failures++;
            }
        }

        CircuitBreaker.Metrics ofA = lb.getInstances().get(0).circuitBreaker().getMetrics();
        CircuitBreaker.Metrics ofB = lb.getInstances().get(1).circuitBreaker().getMetrics();
        assertThat(ofA.getNumberOfFailedCalls()).isZero();
        assertThat(ofA.getNumberOfSuccessfulCalls()).isEqualTo(5);
        assertThat(ofB.getNumberOfFailedCalls()).isEqualTo(5);
        assertThat(failures).isEqualTo(5);
    }

    @Test
    void completionStageFailsWithNoAvailableInstanceInsteadOfThrowing() {
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(), LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).build());

        CompletableFuture<String> future = lb.<String>executeCompletionStage(i -> CompletableFuture.completedFuture("x"))
                .toCompletableFuture();

        assertThat(future).isCompletedExceptionally();
        assertThatThrownBy(future::join).hasCauseInstanceOf(NoAvailableInstanceException.class);
    }

    @Test
    void completionStageCallReturningNullFailsClearly() {
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(a), LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).build());

        CompletableFuture<String> future = lb.<String>executeCompletionStage(i -> null).toCompletableFuture();

        assertThatThrownBy(future::join).hasCauseInstanceOf(NullPointerException.class)
                .hasMessageContaining("the call returned null (expected: a CompletionStage)");
        assertThat(lb.getInstances().get(0).inFlight()).isZero();
    }

    @Test
    void aLeaseIsCountedOnceHoweverOftenItIsEnded() {
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(a), LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).build());

        Lease lease = lb.acquire();
        assertThat(lb.getInstances().get(0).inFlight()).isEqualTo(1);
        lease.onError(new IOException("first"));
        lease.onSuccess();
        lease.release();

        CircuitBreaker.Metrics metrics = lb.getInstances().get(0).circuitBreaker().getMetrics();
        assertThat(metrics.getNumberOfFailedCalls()).isEqualTo(1);
        assertThat(metrics.getNumberOfSuccessfulCalls()).isZero();
        assertThat(lb.getInstances().get(0).inFlight()).isZero();
    }

    @Test
    void releasedLeaseRecordsNothing() {
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(a), LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).build());

        lb.acquire().release();

        assertThat(lb.getInstances().get(0).circuitBreaker().getMetrics().getNumberOfBufferedCalls()).isZero();
        assertThat(lb.getInstances().get(0).inFlight()).isZero();
    }

    @Test
    void keyedFunctionRoutesByTheExtractedKey() {
        AtomicReference<SelectionContext> seen = new AtomicReference<>();
        SelectionStrategy recording = available -> ctx -> {
            seen.set(ctx);
            return available.get(0);
        };
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(a),
                LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).selectionStrategy(recording).build());

        Function<String, String> byUser = LoadBalancer.decorateFunction(lb, user -> "user-" + user, (i, user) -> user);
        byUser.apply("42");

        assertThat(seen.get().hashKey()).isEqualTo("user-42");
    }

    @Test
    void strategySwapUnderConcurrentCallsLosesNothingAndKeepsPerInstanceState() throws Exception {
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(a, b), LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).build());
        CircuitBreaker breakerOfA = lb.getInstances().get(0).circuitBreaker();
        SelectionStrategy onlyFirst = available -> ctx -> available.isEmpty() ? null : available.get(0);
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> callers = new CopyOnWriteArrayList<>();
        for (int t = 0; t < 3; t++) {
            callers.add(pool.submit(() -> {
                for (int i = 0; i < 20_000; i++) {
                    lb.executeSupplier(instance -> instance);
                    done.incrementAndGet();
                }
            }));
        }

        for (int i = 0; i < 200; i++) {
            lb.changeStrategy(i % 2 == 0 ? onlyFirst : SelectionStrategy.roundRobin());
        }
        for (Future<?> f : callers) {
            f.get(1, TimeUnit.MINUTES);
        }
        pool.shutdown();

        CircuitBreaker.Metrics ofA = breakerOfA.getMetrics();
        CircuitBreaker.Metrics ofB = lb.getInstances().get(1).circuitBreaker().getMetrics();
        assertThat(done).hasValue(60_000);
        assertThat(lb.getInstances().get(0).circuitBreaker()).isSameAs(breakerOfA);
        assertThat(lb.getInstances()).allSatisfy(s -> assertThat(s.inFlight()).isZero());
        assertThat(ofA.getNumberOfFailedCalls() + ofB.getNumberOfFailedCalls()).isZero();
        assertThat(lb.getSelectionStrategy()).isSameAs(SelectionStrategy.roundRobin());
    }

    @Test
    void pollingSourceKeepsTheLastGoodListWhenAFetchFailsAndReportsIt() {
        AtomicInteger fetches = new AtomicInteger();
        InstanceSource source = InstanceSource.polling(() -> {
            int n = fetches.incrementAndGet();
            if (n == 1) {
                return List.of(a, b);
            }
            throw new IOException("registry unreachable (fetch " + n + ")");
        }, Duration.ofMillis(20));
        LoadBalancer lb = LoadBalancer.of("orders", source, LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).build());
        List<DiscoveryFailedEvent> failures = new CopyOnWriteArrayList<>();
        lb.getEventPublisher().onDiscoveryFailed(failures::add);

        await().atMost(Duration.ofSeconds(5)).until(() -> failures.size() >= 2);
        source.close();

        assertThat(lb.getInstances()).extracting(InstanceStatus::instance).containsExactly(a, b);
        assertThat(failures.get(0).getCause()).isInstanceOf(IOException.class).hasMessageContaining("registry unreachable");
        assertThat(source.instances()).containsExactly(a, b);
    }

    @Test
    void pollingSourceAppliesAnAuthoritativeEmptyList() {
        AtomicInteger fetches = new AtomicInteger();
        InstanceSource source = InstanceSource.polling(() -> fetches.incrementAndGet() == 1 ? List.of(a) : List.of(),
                Duration.ofMillis(20));
        LoadBalancer lb = LoadBalancer.of("orders", source, LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).build());

        await().atMost(Duration.ofSeconds(5)).until(() -> lb.getInstances().isEmpty());
        source.close();

        assertThat(fetches.get()).isGreaterThanOrEqualTo(2);
    }
}
