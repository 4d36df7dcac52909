package io.github.loadbalancer4j.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.NoAvailableInstanceException;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.retry.event.RetryBudgetExhaustedEvent;
import io.github.loadbalancer4j.testing.MutableClock;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.functions.CheckedSupplier;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.event.RetryEvent;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FailoverRetryTest {

    /** Breakers that record nothing as a failure, so that every instance stays available. */
    private static final CircuitBreakerConfig NEVER_OPENS = CircuitBreakerConfig.custom().recordException(e -> false).build();

    private final MutableClock clock = new MutableClock();
    private final LongSupplier ticker = clock.ticker();
    private final List<LoadBalancer> loadBalancers = new ArrayList<>();

    @AfterEach
    void closeLoadBalancers() {
        loadBalancers.forEach(LoadBalancer::close);
    }

    @Test
    void neverRepeatsAnInstanceWhileAnUntriedAvailableOneExists() throws Exception {
        List<ServiceInstance> instances = instances(5);
        LoadBalancer lb = loadBalancer("orders", NEVER_OPENS, instances);
        Retry retry = Retry.of("orders", RetryConfig.custom().maxAttempts(8).waitDuration(Duration.ZERO).build());
        Supplier<String> call = FailoverRetry.of(retry, lb).withBudget(RetryBudget.unlimited()).decorateSupplier(instance -> {
            attempts().add(instance.id());
            if (ThreadLocalRandom.current().nextInt(3) != 0) {
                throw new IllegalStateException("random failure on " + instance.id());
            }
            return instance.id();
        });
        List<List<String>> sequences = Collections.synchronizedList(new ArrayList<>());
        ExecutorService callers = Executors.newFixedThreadPool(64);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();

        for (int c = 0; c < 64; c++) {
            futures.add(callers.submit(() -> {
                start.await();
                for (int i = 0; i < 200; i++) {
                    ATTEMPTS.get().clear();
                    try {
                        String result = call.get();
                        assertThat(result).isEqualTo(ATTEMPTS.get().get(ATTEMPTS.get().size() - 1));
                    } catch (IllegalStateException e) {
                        assertThat(ATTEMPTS.get()).hasSize(8);
                    }
                    sequences.add(List.copyOf(ATTEMPTS.get()));
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> future : futures) {
            future.get(60, TimeUnit.SECONDS);
        }
        callers.shutdown();

        assertThat(sequences).hasSize(64 * 200);
        for (List<String> tried : sequences) {
            int firstRound = Math.min(tried.size(), instances.size());
            assertThat(new HashSet<>(tried.subList(0, firstRound))).as("first %s attempts of %s", firstRound, tried)
                    .hasSize(firstRound);
        }
        assertThat(sequences).anySatisfy(tried -> assertThat(tried).hasSizeGreaterThan(instances.size()));
        assertThat(lb.getInstances()).extracting(InstanceStatus::inFlight).containsOnly(0);
    }

    @Test
    void allFailingCallsRetryAtMostBudgetManyTimes() throws Exception {
        LoadBalancer lb = loadBalancer("orders", NEVER_OPENS, instances(3));
        Retry retry = Retry.of("orders", RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ZERO).build());
        RetryBudget budget = RetryBudget.custom().percentCanRetry(0.2).minRetriesPerSecond(10)
                .ttl(Duration.ofSeconds(10)).ticker(ticker).build();
        AtomicInteger attempts = new AtomicInteger();
        List<RetryBudgetExhaustedEvent> refusals = new CopyOnWriteArrayList<>();
        budget.getEventPublisher().onExhausted(refusals::add);
        Supplier<String> call = FailoverRetry.of(retry, lb).withBudget(budget).decorateSupplier(instance -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("down: " + instance.id());
        });
        ExecutorService callers = Executors.newFixedThreadPool(4);
        AtomicInteger failedCalls = new AtomicInteger();

        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            futures.add(callers.submit(() -> {
                for (int i = 0; i < 2_500; i++) {
                    assertThatThrownBy(call::get).isInstanceOf(IllegalStateException.class).hasMessageStartingWith("down: ");
                    failedCalls.incrementAndGet();
                }
            }));
        }
        for (Future<?> future : futures) {
            future.get(60, TimeUnit.SECONDS);
        }
        callers.shutdown();

        // The ticker never moved, so nothing left the window: minRetriesPerSecond x ttl + percentCanRetry x calls.
        int bound = 10 * 10 + (int) (0.2 * 10_000);
        int retries = attempts.get() - 10_000;
        assertThat(failedCalls).hasValue(10_000);
        assertThat(retries).isLessThanOrEqualTo(bound).isGreaterThan(bound / 2);
        assertThat(budget.getBalance()).isEqualTo(bound - retries).isGreaterThanOrEqualTo(0);
        assertThat(budget.getNumberOfGrantedRetries()).isEqualTo(retries);
        assertThat(refusals).hasSize((int) budget.getNumberOfRefusedRetries()).isNotEmpty();
    }

    @Test
    void sequentialCallsSpendTheWholeBudgetExactly() {
        LoadBalancer lb = loadBalancer("orders", NEVER_OPENS, instances(3));
        Retry retry = Retry.of("orders", RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ZERO).build());
        RetryBudget budget = RetryBudget.custom().percentCanRetry(0.2).minRetriesPerSecond(10).ticker(ticker).build();
        AtomicInteger attempts = new AtomicInteger();
        Supplier<String> call = FailoverRetry.of(retry, lb).withBudget(budget).decorateSupplier(instance -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("down");
        });

        for (int i = 0; i < 10_000; i++) {
            assertThatThrownBy(call::get).isInstanceOf(IllegalStateException.class);
        }

        assertThat(attempts.get() - 10_000).isEqualTo(10 * 10 + 2_000);
    }

    @Test
    void anEmptyBudgetEndsTheCallWithItsLastFailureWithoutWaitingTheBackoff() {
        LoadBalancer lb = loadBalancer("orders", NEVER_OPENS, instances(3));
        Retry retry = Retry.of("orders", RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ofHours(1)).build());
        RetryBudget empty = RetryBudget.custom().percentCanRetry(0.0).minRetriesPerSecond(0).ticker(ticker).build();
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> FailoverRetry.of(retry, lb).withBudget(empty).executeSupplier(instance -> {
            throw new IllegalStateException("attempt " + attempts.incrementAndGet());
        })).isInstanceOf(IllegalStateException.class).hasMessage("attempt 1");

        assertThat(empty.getNumberOfRefusedRetries()).isEqualTo(1);
    }

    @Test
    void anInterruptedCallIsNotRetried() {
        LoadBalancer lb = loadBalancer("orders", NEVER_OPENS, instances(3));
        Retry retry = Retry.of("orders", RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ZERO).build());
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> FailoverRetry.of(retry, lb).withBudget(RetryBudget.unlimited()).executeCallable(instance -> {
            attempts.incrementAndGet();
            throw new InterruptedException("cancelled by the caller");
        })).isInstanceOf(InterruptedException.class);

        assertThat(attempts).hasValue(1);
    }

    @Test
    void reusesAnInstanceOnlyAfterEveryAvailableOneWasTried() {
        List<ServiceInstance> instances = instances(2);
        LoadBalancer lb = loadBalancer("orders", NEVER_OPENS, instances);
        Retry retry = Retry.of("orders", RetryConfig.custom().maxAttempts(4).waitDuration(Duration.ZERO).build());
        List<String> tried = new ArrayList<>();

        assertThatThrownBy(() -> FailoverRetry.of(retry, lb).withBudget(RetryBudget.unlimited()).executeSupplier(instance -> {
            tried.add(instance.id());
            throw new IllegalStateException("down");
        })).isInstanceOf(IllegalStateException.class);

        assertThat(tried).hasSize(4);
        assertThat(tried.subList(0, 2)).containsExactlyInAnyOrder(instances.get(0).id(), instances.get(1).id());
    }

    @Test
    void theSelectorSeesTheAttemptNumberAndTheInstancesTried() {
        List<Integer> attemptNumbers = new CopyOnWriteArrayList<>();
        List<List<String>> triedSeen = new CopyOnWriteArrayList<>();
        SelectionStrategy roundRobin = SelectionStrategy.roundRobin();
        SelectionStrategy recording = candidates -> {
            var delegate = roundRobin.newSelector(candidates);
            return ctx -> {
                attemptNumbers.add(ctx.attempt());
                triedSeen.add(ctx.triedIds());
                return delegate.select(ctx);
            };
        };
        LoadBalancer lb = track(LoadBalancer.of("orders", InstanceSource.of(instances(3)),
                LoadBalancerConfig.custom().selectionStrategy(recording).circuitBreakerConfig(NEVER_OPENS).ticker(ticker).build()));
        Retry retry = Retry.of("orders", RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ZERO).build());
        List<String> tried = new ArrayList<>();

        String result = FailoverRetry.of(retry, lb).withBudget(RetryBudget.unlimited()).executeSupplier(instance -> {
            tried.add(instance.id());
            if (tried.size() < 3) {
                throw new IllegalStateException("down");
            }
            return "ok";
        });

        assertThat(result).isEqualTo("ok");
        assertThat(attemptNumbers).startsWith(1).contains(2, 3);
        assertThat(triedSeen.get(triedSeen.size() - 1)).hasSize(2).containsExactlyElementsOf(tried.subList(0, 2));
    }

    @Test
    void eachAttemptIsRecordedOnTheInstanceItWentTo() {
        List<ServiceInstance> instances = instances(3);
        LoadBalancer lb = loadBalancer("orders", CircuitBreakerConfig.ofDefaults(), instances);
        Retry retry = Retry.of("orders", RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ZERO).build());
        ServiceInstance broken = instances.get(0);
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

        for (int i = 0; i < 30; i++) {
            String result = FailoverRetry.of(retry, lb).withBudget(RetryBudget.unlimited()).executeSupplier(instance -> {
                calls.computeIfAbsent(instance.id(), id -> new AtomicInteger()).incrementAndGet();
                if (instance.equals(broken)) {
                    throw new IllegalStateException("down");
                }
                return instance.id();
            });
            assertThat(result).isNotEqualTo(broken.id());
        }

        assertThat(calls.get(broken.id()).get()).isPositive();
        for (InstanceStatus status : lb.getInstances()) {
            var metrics = status.circuitBreaker().getMetrics();
            int sent = calls.getOrDefault(status.instance().id(), new AtomicInteger()).get();
            if (status.instance().equals(broken)) {
                assertThat(metrics.getNumberOfFailedCalls()).isEqualTo(sent);
                assertThat(metrics.getNumberOfSuccessfulCalls()).isZero();
            } else {
                assertThat(metrics.getNumberOfSuccessfulCalls()).isEqualTo(sent);
                assertThat(metrics.getNumberOfFailedCalls()).isZero();
            }
        }
        assertThat(calls.values().stream().mapToInt(AtomicInteger::get).sum() - calls.get(broken.id()).get()).isEqualTo(30);
        assertThat(lb.getInstances()).extracting(InstanceStatus::inFlight).containsOnly(0);
    }

    @Test
    void theRetrysEventsAndMetricsKeepWorking() {
        LoadBalancer lb = loadBalancer("orders", NEVER_OPENS, instances(3));
        Retry retry = Retry.of("orders", RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ZERO)
                .retryExceptions(IllegalStateException.class).build());
        List<RetryEvent.Type> events = new CopyOnWriteArrayList<>();
        retry.getEventPublisher().onEvent(event -> events.add(event.getEventType()));
        AtomicInteger calls = new AtomicInteger();
        Function<ServiceInstance, String> failsOnce = instance -> {
            if (calls.incrementAndGet() % 2 == 1) {
                throw new IllegalStateException("down");
            }
            return "ok";
        };

        String retried = FailoverRetry.of(retry, lb).withBudget(RetryBudget.unlimited()).executeSupplier(failsOnce);
        String direct = FailoverRetry.of(retry, lb).withBudget(RetryBudget.unlimited()).executeSupplier(instance -> "ok");
        assertThatThrownBy(() -> FailoverRetry.of(retry, lb).withBudget(RetryBudget.unlimited()).executeSupplier(instance -> {
            throw new IllegalArgumentException("not retried");
        })).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FailoverRetry.of(retry, lb).withBudget(RetryBudget.unlimited()).executeSupplier(instance -> {
            throw new IllegalStateException("always down");
        })).isInstanceOf(IllegalStateException.class);

        assertThat(retried).isEqualTo("ok");
        assertThat(direct).isEqualTo("ok");
        Retry.Metrics metrics = retry.getMetrics();
        assertThat(metrics.getNumberOfSuccessfulCallsWithRetryAttempt()).isEqualTo(1);
        assertThat(metrics.getNumberOfSuccessfulCallsWithoutRetryAttempt()).isEqualTo(1);
        assertThat(metrics.getNumberOfFailedCallsWithoutRetryAttempt()).isEqualTo(1);
        assertThat(metrics.getNumberOfFailedCallsWithRetryAttempt()).isEqualTo(1);
        assertThat(events).containsExactly(
                RetryEvent.Type.RETRY, RetryEvent.Type.SUCCESS,
                RetryEvent.Type.IGNORED_ERROR,
                RetryEvent.Type.RETRY, RetryEvent.Type.RETRY, RetryEvent.Type.ERROR);
    }

    @Test
    void resultsTheRetryRejectsMoveToAnotherInstance() {
        List<ServiceInstance> instances = instances(3);
        LoadBalancer lb = loadBalancer("orders", NEVER_OPENS, instances);
        List<Integer> consumedBeforeRetry = new ArrayList<>();
        Retry retry = Retry.of("orders", RetryConfig.<Integer>custom().maxAttempts(3).waitDuration(Duration.ZERO)
                .retryOnResult(FailoverPredicates.serverError(status -> status))
                .consumeResultBeforeRetryAttempt((attempt, rejected) -> consumedBeforeRetry.add(rejected)).build());
        List<String> tried = new ArrayList<>();

        int status = FailoverRetry.of(retry, lb).withBudget(RetryBudget.unlimited()).executeSupplier(instance -> {
            tried.add(instance.id());
            return tried.size() < 3 ? 503 : 200;
        });

        assertThat(status).isEqualTo(200);
        assertThat(tried).doesNotHaveDuplicates().hasSize(3);
        assertThat(consumedBeforeRetry).containsExactly(503, 503);
    }

    @Test
    void checkedVariantsThrowTheCallsOwnException() {
        LoadBalancer lb = loadBalancer("orders", NEVER_OPENS, instances(2));
        Retry retry = Retry.of("orders", RetryConfig.custom().maxAttempts(2).waitDuration(Duration.ZERO).build());
        AtomicInteger attempts = new AtomicInteger();
        Callable<String> callable = FailoverRetry.of(retry, lb).withBudget(RetryBudget.unlimited()).decorateCallable(instance -> {
            attempts.incrementAndGet();
            throw new ConnectException("refused by " + instance.id());
        });
        CheckedSupplier<String> checked = FailoverRetry.of(retry, lb).withBudget(RetryBudget.unlimited()).decorateCheckedSupplier(instance -> {
            attempts.incrementAndGet();
            throw new IOException("reset by " + instance.id());
        });

        assertThatThrownBy(callable::call).isInstanceOf(ConnectException.class).hasMessageStartingWith("refused by");
        assertThatThrownBy(checked::get).isInstanceOf(IOException.class).hasMessageStartingWith("reset by");
        assertThat(attempts).hasValue(4);
    }

    @Test
    void runnableMovesOnLikeTheOthers() {
        LoadBalancer lb = loadBalancer("orders", NEVER_OPENS, instances(3));
        Retry retry = Retry.of("orders", RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ZERO).build());
        List<String> tried = new ArrayList<>();

        FailoverRetry.of(retry, lb).withBudget(RetryBudget.unlimited()).executeRunnable(instance -> {
            tried.add(instance.id());
            if (tried.size() < 3) {
                throw new IllegalStateException("down");
            }
        });

        assertThat(tried).doesNotHaveDuplicates().hasSize(3);
    }

    @Test
    void keyedFunctionKeepsItsKeyAndStillMovesOn() {
        LoadBalancer lb = loadBalancer("orders", NEVER_OPENS, instances(3));
        Retry retry = Retry.of("orders", RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ZERO).build());
        List<String> tried = new ArrayList<>();
        Function<String, String> byUser = FailoverRetry.of(retry, lb).withBudget(RetryBudget.unlimited()).decorateFunction((String user) -> user, (instance, user) -> {
                    tried.add(instance.id());
                    if (tried.size() < 3) {
                        throw new IllegalStateException("down");
                    }
                    return user + "@" + instance.id();
                });

        String result = byUser.apply("alice");

        assertThat(result).startsWith("alice@");
        assertThat(tried).doesNotHaveDuplicates().hasSize(3);
    }

    @Test
    void noAvailableInstanceIsAFailureTheRetryDecidesOn() {
        LoadBalancer lb = loadBalancer("orders", NEVER_OPENS, List.of());
        Retry retry = Retry.of("orders", RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ZERO)
                .retryOnException(FailoverPredicates.safeForAnyCall()).build());

        assertThatThrownBy(() -> FailoverRetry.of(retry, lb).executeSupplier(instance -> "never"))
                .isInstanceOf(NoAvailableInstanceException.class)
                .hasMessage("LoadBalancer 'orders' has no available instance (0 known: discovery returned no instances)");

        assertThat(retry.getMetrics().getNumberOfFailedCallsWithoutRetryAttempt()).isEqualTo(1);
    }

    @Test
    void theDefaultBudgetIsSharedPerLoadBalancer() {
        LoadBalancer orders = loadBalancer("orders", NEVER_OPENS, instances(2));
        LoadBalancer payments = loadBalancer("payments", NEVER_OPENS, instances(2));
        Retry retry = Retry.of("orders", RetryConfig.custom().maxAttempts(2).waitDuration(Duration.ZERO).build());
        Supplier<String> one = FailoverRetry.decorateSupplier(retry, orders, instance -> "one");
        Supplier<String> two = FailoverRetry.decorateSupplier(retry, orders, instance -> "two");
        double before = FailoverRetry.defaultBudget(orders).getBalance();

        IntStream.range(0, 5).forEach(i -> one.get());
        IntStream.range(0, 5).forEach(i -> two.get());

        assertThat(FailoverRetry.defaultBudget(orders)).isSameAs(FailoverRetry.defaultBudget(orders));
        assertThat(FailoverRetry.defaultBudget(orders).getName()).isEqualTo("orders");
        assertThat(FailoverRetry.defaultBudget(orders).getBalance()).isEqualTo(before + 10 * 0.2);
        assertThat(FailoverRetry.defaultBudget(payments).getBalance()).isEqualTo(before);
    }

    @Test
    void badInputGivesClearErrors() {
        LoadBalancer lb = loadBalancer("orders", NEVER_OPENS, instances(1));
        Retry retry = Retry.ofDefaults("orders");
        RetryBudget budget = RetryBudget.ofDefaults();
        Function<ServiceInstance, String> call = instance -> "ok";

        assertThatThrownBy(() -> FailoverRetry.decorateSupplier(null, lb, call))
                .isInstanceOf(NullPointerException.class).hasMessage("retry");
        assertThatThrownBy(() -> FailoverRetry.decorateSupplier(retry, null, call))
                .isInstanceOf(NullPointerException.class).hasMessage("loadBalancer");
        assertThatThrownBy(() -> FailoverRetry.of(retry, lb).withBudget(budget).decorateSupplier(null))
                .isInstanceOf(NullPointerException.class).hasMessage("call");
        assertThatThrownBy(() -> FailoverRetry.of(retry, lb).withBudget(null).decorateSupplier(call))
                .isInstanceOf(NullPointerException.class).hasMessage("budget");
        assertThatThrownBy(() -> FailoverRetry.decorateCompletionStage(retry, lb, null, instance -> null))
                .isInstanceOf(NullPointerException.class).hasMessage("scheduler");
        assertThatThrownBy(() -> FailoverRetry.decorateCallable(null, lb, instance -> "ok"))
                .isInstanceOf(NullPointerException.class).hasMessage("retry");
        assertThatThrownBy(() -> FailoverRetry.defaultBudget(null))
                .isInstanceOf(NullPointerException.class).hasMessage("loadBalancer");
        assertThatThrownBy(() -> RetryBudget.custom().percentCanRetry(1.5 * 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("percentCanRetry: 15.0 (expected: 0.0-10.0, a fraction of calls: 0.2 is 20%)");
    }

    // ---------------------------------------------------------------- helpers

    private static final ThreadLocal<List<String>> ATTEMPTS = ThreadLocal.withInitial(ArrayList::new);

    private static List<String> attempts() {
        return ATTEMPTS.get();
    }

    private static List<ServiceInstance> instances(int n) {
        List<ServiceInstance> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(ServiceInstance.of("127.0.0." + (11 + i), 8080));
        }
        return list;
    }

    private LoadBalancer loadBalancer(String name, CircuitBreakerConfig breakers, List<ServiceInstance> instances) {
        return track(LoadBalancer.of(name, InstanceSource.of(instances),
                LoadBalancerConfig.custom().circuitBreakerConfig(breakers).ticker(ticker).build()));
    }

    private LoadBalancer track(LoadBalancer lb) {
        loadBalancers.add(lb);
        return lb;
    }

    @Test
    void aFailoverValueIsImmutableAndDrawsOnTheLoadBalancersDefaultBudgetUntilGivenOne() {
        LoadBalancer lb = track(LoadBalancer.of("orders", InstanceSource.of(ServiceInstance.of("10.0.0.1", 8080))));
        Retry retry = Retry.ofDefaults("orders");
        RetryBudget own = RetryBudget.custom().name("orders-client").build();

        FailoverRetry failover = FailoverRetry.of(retry, lb);
        FailoverRetry budgeted = failover.withBudget(own);

        assertThat(failover.getBudget()).isSameAs(FailoverRetry.defaultBudget(lb));
        assertThat(budgeted.getBudget()).isSameAs(own);
        assertThat(budgeted).isNotSameAs(failover);
        assertThat(budgeted.getRetry()).isSameAs(retry);
        assertThat(budgeted.getLoadBalancer()).isSameAs(lb);
        assertThat(budgeted.executeSupplier(ServiceInstance::id)).isEqualTo("10.0.0.1:8080");
        assertThat(budgeted).hasToString("FailoverRetry{retry=orders, loadBalancer=orders, budget=orders-client}");
    }
}
