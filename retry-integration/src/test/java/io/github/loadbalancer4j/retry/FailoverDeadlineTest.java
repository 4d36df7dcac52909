package io.github.loadbalancer4j.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.testing.ManualScheduler;
import io.github.loadbalancer4j.testing.MutableClock;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Deadlines across the attempts of {@link FailoverRetry}, in virtual time. */
class FailoverDeadlineTest {

    private final ManualScheduler scheduler = new ManualScheduler();
    private final List<ServiceInstance> instances = List.of(ServiceInstance.of("127.0.0.11", 8080),
            ServiceInstance.of("127.0.0.12", 8080), ServiceInstance.of("127.0.0.13", 8080));
    private LoadBalancer lb = loadBalancer(scheduler.ticker());
    private final Retry fiveAttempts = Retry.of("orders", RetryConfig.custom().maxAttempts(5).waitDuration(Duration.ZERO).build());

    @AfterEach
    void tearDown() {
        lb.close();
    }

    @Test
    void threeSlowInstancesFailTheCallAtTheDeadlineWithTheirAttemptsCutToTheTimeLeft() {
        List<Duration> given = new CopyOnWriteArrayList<>();
        FailoverRetry failover = FailoverRetry.of(fiveAttempts, lb).withBudget(RetryBudget.unlimited())
                .withDeadline(Duration.ofMillis(300), Duration.ofMillis(10));

        CompletableFuture<String> call = failover.executeCompletionStage(scheduler, instance -> {
            given.add(Deadline.current().orElseThrow().timeLeft());
            return failLater(Duration.ofMillis(120), new IllegalStateException(instance + " is slow and fails"));
        }).toCompletableFuture();
        scheduler.advance(Duration.ofMillis(299));
        boolean doneBeforeTheDeadline = call.isDone();
        scheduler.advance(Duration.ofMillis(1));

        assertThat(doneBeforeTheDeadline).isFalse();
        assertThat(call).isCompletedExceptionally();
        assertThat(scheduler.nanoTime()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
        assertThat(given).containsExactly(Duration.ofMillis(300), Duration.ofMillis(180), Duration.ofMillis(60));
        assertThatThrownBy(call::join).cause()
                .isInstanceOf(DeadlineExceededException.class)
                .hasMessageStartingWith("Deadline of 300 ms spent after 3 attempts on LoadBalancer 'orders'")
                .hasCauseInstanceOf(TimeoutException.class)
                .satisfies(e -> assertThat(((DeadlineExceededException) e).getAttempts()).isEqualTo(3));
        assertThat(lb.getInstances()).extracting(InstanceStatus::inFlight).containsOnly(0);
        assertThat(lb.getInstances()).extracting(s -> s.circuitBreaker().getMetrics().getNumberOfFailedCalls())
                .containsOnly(1);
    }

    @Test
    void anAttemptStillRunningAtTheDeadlineIsCancelledAndCountsAgainstItsInstance() {
        CompletableFuture<String> slow = new CompletableFuture<>();
        FailoverRetry failover = FailoverRetry.of(fiveAttempts, lb).withBudget(RetryBudget.unlimited()).withDeadline(Duration.ofMillis(300));

        CompletableFuture<String> call = failover.executeCompletionStage(scheduler, instance -> slow).toCompletableFuture();
        scheduler.advance(Duration.ofMillis(300));

        assertThat(slow).isCancelled();
        assertThatThrownBy(call::join).cause().isInstanceOf(DeadlineExceededException.class)
                .satisfies(e -> assertThat(((DeadlineExceededException) e).getAttempts()).isEqualTo(1));
        assertThat(lb.getInstances()).extracting(s -> s.circuitBreaker().getMetrics().getNumberOfFailedCalls())
                .containsExactlyInAnyOrder(1, 0, 0);
        assertThat(lb.getInstances()).extracting(InstanceStatus::inFlight).containsOnly(0);
    }

    @Test
    void noRetryStartsWithLessThanTheFloorLeft() {
        List<Duration> given = new CopyOnWriteArrayList<>();
        FailoverRetry failover = FailoverRetry.of(fiveAttempts, lb).withBudget(RetryBudget.unlimited())
                .withDeadline(Duration.ofMillis(300), Duration.ofMillis(100));

        CompletableFuture<String> call = failover.executeCompletionStage(scheduler, instance -> {
            given.add(Deadline.current().orElseThrow().timeLeft());
            return failLater(Duration.ofMillis(120), new IllegalStateException("fails"));
        }).toCompletableFuture();
        scheduler.advance(Duration.ofSeconds(1));

        assertThat(given).containsExactly(Duration.ofMillis(300), Duration.ofMillis(180));
        assertThatThrownBy(call::join).cause().isInstanceOf(DeadlineExceededException.class)
                .hasMessageContaining("after 2 attempts")
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void aBackoffThatWouldOutlastTheDeadlineEndsTheCallAtOnceWithoutSpendingTheBudget() {
        Retry slowBackoff = Retry.of("orders", RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ofSeconds(1)).build());
        RetryBudget budget = RetryBudget.custom().ticker(scheduler.ticker()).build();
        FailoverRetry failover = FailoverRetry.of(slowBackoff, lb).withBudget(budget).withDeadline(Duration.ofMillis(300));

        CompletableFuture<String> call = failover.executeCompletionStage(scheduler,
                instance -> failLater(Duration.ofMillis(10), new IllegalStateException("fails"))).toCompletableFuture();
        scheduler.advance(Duration.ofMillis(10));

        assertThat(call).isCompletedExceptionally();
        assertThatThrownBy(call::join).cause().isInstanceOf(DeadlineExceededException.class).hasMessageContaining("after 1 attempt ");
        assertThat(budget.getNumberOfGrantedRetries()).isZero();
        assertThat(scheduler.pending()).isZero();
    }

    @Test
    void aResultTheRetryWouldRetryIsReturnedWhenNoTimeIsLeftForAnotherAttempt() {
        Retry retryingBusy = Retry.of("orders", RetryConfig.<String>custom().maxAttempts(3).waitDuration(Duration.ofSeconds(1))
                .retryOnResult("busy"::equals).build());
        FailoverRetry failover = FailoverRetry.of(retryingBusy, lb).withBudget(RetryBudget.unlimited()).withDeadline(Duration.ofMillis(300));

        CompletableFuture<String> call = failover.executeCompletionStage(scheduler,
                instance -> CompletableFuture.completedFuture("busy")).toCompletableFuture();

        assertThat(call).isCompletedWithValue("busy");
    }

    @Test
    void aBlockingCallReadsTheTimeLeftFromTheCurrentDeadline() {
        MutableClock clock = new MutableClock();
        lb.close();
        lb = loadBalancer(clock.ticker());
        List<Duration> given = new CopyOnWriteArrayList<>();
        FailoverRetry failover = FailoverRetry.of(fiveAttempts, lb).withBudget(RetryBudget.unlimited())
                .withDeadline(Duration.ofMillis(300), Duration.ofMillis(10));

        assertThatThrownBy(() -> failover.executeSupplier(instance -> {
            Duration left = Deadline.current().orElseThrow().timeLeft();
            given.add(left);
            clock.advance(left.compareTo(Duration.ofMillis(120)) < 0 ? left : Duration.ofMillis(120)); // gives up when its time is up
            throw new IllegalStateException("slow and failing");
        })).isInstanceOf(DeadlineExceededException.class).hasMessageContaining("after 3 attempts");

        assertThat(given).containsExactly(Duration.ofMillis(300), Duration.ofMillis(180), Duration.ofMillis(60));
        assertThat(Deadline.current()).isEmpty();
    }

    @Test
    void withoutADeadlineNothingIsCurrent() {
        List<Boolean> seen = new CopyOnWriteArrayList<>();

        FailoverRetry.of(fiveAttempts, lb).executeSupplier(instance -> seen.add(Deadline.current().isPresent()));

        assertThat(seen).containsExactly(false);
        assertThat(FailoverRetry.of(fiveAttempts, lb).getDeadline()).isNull();
    }

    @Test
    void aFloorNotShorterThanTheDeadlineIsRefused() {
        FailoverRetry failover = FailoverRetry.of(fiveAttempts, lb);

        assertThatThrownBy(() -> failover.withDeadline(Duration.ofMillis(300), Duration.ofMillis(300)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("minAttemptTime: PT0.3S (expected: shorter than the timeout PT0.3S, or no retry could ever start)");
        assertThatThrownBy(() -> failover.withDeadline(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("timeout: PT0S (expected: > 0");
        assertThat(failover.withDeadline(Duration.ofSeconds(2)).getMinAttemptTime()).isEqualTo(Duration.ofMillis(10));
        assertThat(failover.withDeadline(Duration.ofMillis(50)).getMinAttemptTime()).isEqualTo(Duration.ofMillis(5));
    }

    private CompletableFuture<String> failLater(Duration after, RuntimeException failure) {
        CompletableFuture<String> stage = new CompletableFuture<>();
        Runnable fail = () -> stage.completeExceptionally(failure);
        scheduler.schedule(fail, after.toNanos(), TimeUnit.NANOSECONDS);
        return stage;
    }

    private LoadBalancer loadBalancer(LongSupplier ticker) {
        return LoadBalancer.of("orders", InstanceSource.of(instances), LoadBalancerConfig.custom()
                .selectionStrategy(SelectionStrategy.roundRobin()).ticker(ticker).build());
    }
}
