package io.github.loadbalancer4j.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.ServiceInstance;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Hedging} of blocking calls: attempts on an executor's threads, the caller waiting. Real time, short delays. */
class BlockingHedgingTest {

    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(ServiceInstance.of("127.0.0.11", 8080),
            ServiceInstance.of("127.0.0.12", 8080), ServiceInstance.of("127.0.0.13", 8080)),
            LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).build());
    private final HedgingPolicy after20ms = HedgingPolicy.custom().delay(Duration.ofMillis(20)).budget(RetryBudget.unlimited()).build();
    private final CountDownLatch never = new CountDownLatch(1);

    @AfterEach
    void tearDown() {
        never.countDown();
        executor.shutdownNow();
        lb.close();
    }

    @Test
    void theHedgeAnswersFirstAndTheSlowAttemptsThreadIsInterrupted() {
        List<ServiceInstance> tried = new CopyOnWriteArrayList<>();
        AtomicBoolean loserInterrupted = new AtomicBoolean();
        Supplier<String> call = Hedging.decorateSupplier(lb, after20ms, executor, instance -> {
            tried.add(instance);
            if (tried.size() == 1) {
                try {
                    never.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    loserInterrupted.set(true);
                }
                return "too late";
            }
            return "from " + instance.id();
        });

        String answer = call.get();

        assertThat(tried).hasSize(2).doesNotHaveDuplicates();
        assertThat(answer).isEqualTo("from " + tried.get(1).id());
        await().atMost(Duration.ofSeconds(5)).untilTrue(loserInterrupted);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(lb.getInstances()).extracting(InstanceStatus::inFlight).containsOnly(0));
        assertThat(lb.getInstances()).extracting(s -> s.circuitBreaker().getMetrics().getNumberOfBufferedCalls())
                .containsExactlyInAnyOrder(1, 0, 0);
    }

    @Test
    void aCheckedFailureOfEveryAttemptIsThrownAsItIs() {
        Hedging hedging = Hedging.of(lb, after20ms);

        assertThatThrownBy(() -> hedging.executeSupplier(executor, instance -> {
            throw sneaky(new IOException("refused by " + instance.id()));
        })).isInstanceOf(IOException.class).hasMessageStartingWith("refused by ");
        assertThat(hedging.getMetrics().getNumberOfHedgesSent()).isEqualTo(1); // the failure sent the hedge at once
    }

    @Test
    void anArgumentThatIsNotIdempotentRunsOnce() {
        HedgingPolicy getsOnly = HedgingPolicy.custom().delay(Duration.ofMillis(20)).budget(RetryBudget.unlimited())
                .idempotent(request -> !"POST".equals(request)).build();
        List<ServiceInstance> tried = new CopyOnWriteArrayList<>();
        Function<String, String> send = Hedging.of(lb, getsOnly).decorateFunction(executor, (instance, method) -> {
            tried.add(instance);
            try {
                never.await(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return method + " done";
        });

        String answer = send.apply("POST");

        assertThat(answer).isEqualTo("POST done");
        assertThat(tried).hasSize(1);
    }

    @Test
    void interruptingTheWaitingCallerCancelsEveryAttempt() throws Exception {
        CountDownLatch started = new CountDownLatch(2);
        Hedging hedging = Hedging.of(lb, after20ms);
        List<Throwable> thrown = new CopyOnWriteArrayList<>();
        List<Boolean> flagKept = new CopyOnWriteArrayList<>();
        Thread caller = new Thread(() -> {
            try {
                hedging.executeSupplier(executor, instance -> {
                    started.countDown();
                    try {
                        never.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return "late";
                });
            } catch (Throwable e) {
                thrown.add(e);
                flagKept.add(Thread.currentThread().isInterrupted());
            }
        });
        caller.start();
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

        caller.interrupt();
        caller.join(5000);

        assertThat(thrown).singleElement().isInstanceOf(CancellationException.class);
        assertThat(flagKept).containsExactly(true);
        assertThat(hedging.getMetrics().getNumberOfCancelledAttempts()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(lb.getInstances()).extracting(InstanceStatus::inFlight).containsOnly(0));
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable e) throws E {
        throw (E) e;
    }
}
