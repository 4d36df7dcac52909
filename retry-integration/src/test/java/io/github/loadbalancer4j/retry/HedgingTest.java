package io.github.loadbalancer4j.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.retry.event.HedgingEvent;
import io.github.loadbalancer4j.testing.ManualScheduler;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Hedging} of asynchronous calls, in virtual time: every delay below is the scheduler's, not the clock's. */
class HedgingTest {

    private final ManualScheduler scheduler = new ManualScheduler();
    private final List<ServiceInstance> instances = List.of(ServiceInstance.of("127.0.0.11", 8080),
            ServiceInstance.of("127.0.0.12", 8080), ServiceInstance.of("127.0.0.13", 8080));
    private final List<LoadBalancer> loadBalancers = new ArrayList<>();
    private final LoadBalancer lb = loadBalancer(instances);
    /** Each attempt, in order: the instance it went to and its stage. */
    private final List<ServiceInstance> tried = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<String>> stages = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() {
        loadBalancers.forEach(LoadBalancer::close);
    }

    @Test
    void aSlowFirstAttemptGetsAHedgeOnAnotherInstanceAndTheFirstAnswerWins() {
        Hedging hedging = Hedging.of(lb, fixed(50).budget(RetryBudget.unlimited()).build());
        List<HedgingEvent> events = new CopyOnWriteArrayList<>();
        hedging.getEventPublisher().onEvent(events::add);

        CompletableFuture<String> call = hedging.executeCompletionStage(scheduler, answers(1000, 10)).toCompletableFuture();
        scheduler.advance(Duration.ofMillis(59));
        boolean doneBeforeTheHedgeAnswered = call.isDone();
        scheduler.advance(Duration.ofMillis(1));

        assertThat(doneBeforeTheHedgeAnswered).isFalse();
        assertThat(call).isCompletedWithValue("answer 1 from " + tried.get(1).id());
        assertThat(tried).hasSize(2).doesNotHaveDuplicates();
        assertThat(stages.get(0)).isCancelled();
        assertThat(lb.getInstances()).extracting(InstanceStatus::inFlight).containsOnly(0);
        assertThat(breaker(tried.get(0)).getMetrics().getNumberOfBufferedCalls()).isZero(); // released: neither success nor failure
        assertThat(breaker(tried.get(1)).getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
        assertThat(hedging.getMetrics().getNumberOfHedgesSent()).isEqualTo(1);
        assertThat(hedging.getMetrics().getNumberOfHedgesWon()).isEqualTo(1);
        assertThat(hedging.getMetrics().getNumberOfCancelledAttempts()).isEqualTo(1);
        assertThat(events).extracting(HedgingEvent::getEventType)
                .containsExactly(HedgingEvent.Type.HEDGE_SENT, HedgingEvent.Type.HEDGE_WON);
        assertThat(events).allSatisfy(e -> assertThat(e.getInstance()).isEqualTo(tried.get(1)));
    }

    @Test
    void aFirstAttemptFasterThanTheDelaySendsNoHedge() {
        Hedging hedging = Hedging.of(lb, fixed(50).budget(RetryBudget.unlimited()).build());

        CompletableFuture<String> call = hedging.executeCompletionStage(scheduler, answers(10)).toCompletableFuture();
        scheduler.advance(Duration.ofSeconds(1));

        assertThat(call).isCompletedWithValue("answer 0 from " + tried.get(0).id());
        assertThat(tried).hasSize(1);
        assertThat(hedging.getMetrics().getNumberOfHedgesSent()).isZero();
        assertThat(scheduler.pending()).isZero();
    }

    @Test
    void theFirstAttemptCanStillWinAndCancelsTheHedge() {
        Hedging hedging = Hedging.of(lb, fixed(50).budget(RetryBudget.unlimited()).build());

        CompletableFuture<String> call = hedging.executeCompletionStage(scheduler, answers(80, 1000)).toCompletableFuture();
        scheduler.advance(Duration.ofMillis(80));

        assertThat(call).isCompletedWithValue("answer 0 from " + tried.get(0).id());
        assertThat(stages.get(1)).isCancelled();
        assertThat(breaker(tried.get(1)).getMetrics().getNumberOfBufferedCalls()).isZero();
        assertThat(hedging.getMetrics().getNumberOfHedgesWon()).isZero();
        assertThat(lb.getInstances()).extracting(InstanceStatus::inFlight).containsOnly(0);
    }

    @Test
    void aFailedAttemptDoesNotEndTheCallWhileAnotherRuns() {
        Hedging hedging = Hedging.of(lb, fixed(50).budget(RetryBudget.unlimited()).build());

        CompletableFuture<String> call = hedging.executeCompletionStage(scheduler, attempt -> {
            tried.add(attempt);
            return tried.size() == 1 ? later(200, "slow but fine") : failLater(10, new IllegalStateException("hedge failed"));
        }).toCompletableFuture();
        scheduler.advance(Duration.ofMillis(199));
        boolean doneBeforeTheFirstAnswered = call.isDone();
        scheduler.advance(Duration.ofMillis(1));

        assertThat(doneBeforeTheFirstAnswered).isFalse();
        assertThat(call).isCompletedWithValue("slow but fine");
        assertThat(breaker(tried.get(1)).getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
        assertThat(breaker(tried.get(0)).getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
        assertThat(hedging.getMetrics().getNumberOfCancelledAttempts()).isZero();
    }

    @Test
    void aFailureSendsTheNextHedgeAtOnce() {
        Hedging hedging = Hedging.of(lb, fixed(50).maxHedges(2).budget(RetryBudget.unlimited()).build());

        CompletableFuture<String> call = hedging.executeCompletionStage(scheduler, attempt -> {
            tried.add(attempt);
            return tried.size() == 1 ? failLater(5, new IllegalStateException("refused")) : later(10, "from the hedge");
        }).toCompletableFuture();
        scheduler.advance(Duration.ofMillis(15));

        assertThat(call).isCompletedWithValue("from the hedge");
        assertThat(tried).hasSize(2).doesNotHaveDuplicates();
    }

    @Test
    void whenEveryAttemptFailsTheCallFailsWithTheLastFailure() {
        Hedging hedging = Hedging.of(lb, fixed(50).maxHedges(2).budget(RetryBudget.unlimited()).build());

        CompletableFuture<String> call = hedging.executeCompletionStage(scheduler,
                attempt -> {
                    tried.add(attempt);
                    return failLater(100, new IllegalStateException("failure " + (tried.size() - 1)));
                }).toCompletableFuture();
        scheduler.advance(Duration.ofSeconds(1));

        assertThat(tried).hasSize(3).doesNotHaveDuplicates();
        assertThatThrownBy(call::join).cause().isInstanceOf(IllegalStateException.class).hasMessage("failure 2");
        assertThat(lb.getInstances()).extracting(s -> s.circuitBreaker().getMetrics().getNumberOfFailedCalls()).containsOnly(1);
    }

    @Test
    void atMostMaxHedgesAreSentOneDelayApart() {
        Hedging hedging = Hedging.of(lb, fixed(50).maxHedges(2).budget(RetryBudget.unlimited()).build());
        List<Long> sentAt = new CopyOnWriteArrayList<>();

        CompletableFuture<String> call = hedging.executeCompletionStage(scheduler, attempt -> {
            sentAt.add(TimeUnit.NANOSECONDS.toMillis(scheduler.nanoTime()));
            return answers(1000, 1000, 1000).apply(attempt);
        }).toCompletableFuture();
        scheduler.advance(Duration.ofMillis(999));

        assertThat(call).isNotDone();
        assertThat(sentAt).containsExactly(0L, 50L, 100L);
        assertThat(tried).doesNotHaveDuplicates();
    }

    @Test
    void noHedgeGoesToAnInstanceTheCallAlreadyTried() {
        LoadBalancer single = loadBalancer(instances.subList(0, 1));
        Hedging hedging = Hedging.of(single, fixed(50).budget(RetryBudget.unlimited()).build());

        CompletableFuture<String> call = hedging.executeCompletionStage(scheduler, answers(1000)).toCompletableFuture();
        scheduler.advance(Duration.ofMillis(100));
        int inFlightWhileWaiting = single.getInstances().get(0).inFlight();
        scheduler.advance(Duration.ofSeconds(1));

        assertThat(tried).hasSize(1);
        assertThat(inFlightWhileWaiting).isEqualTo(1);
        assertThat(call).isCompletedWithValue("answer 0 from " + instances.get(0).id());
        assertThat(hedging.getMetrics().getNumberOfHedgesSent()).isZero();
    }

    @Test
    void aBudgetThatRefusesStopsTheHedges() {
        RetryBudget empty = RetryBudget.custom().percentCanRetry(0).minRetriesPerSecond(0).ticker(scheduler.ticker()).build();
        Hedging hedging = Hedging.of(lb, fixed(50).budget(empty).build());

        CompletableFuture<String> call = hedging.executeCompletionStage(scheduler, answers(1000, 10)).toCompletableFuture();
        scheduler.advance(Duration.ofSeconds(1));

        assertThat(call).isCompletedWithValue("answer 0 from " + tried.get(0).id());
        assertThat(tried).hasSize(1);
        assertThat(empty.getNumberOfRefusedRetries()).isEqualTo(1);
        assertThat(hedging.getMetrics().getNumberOfHedgesSent()).isZero();
        assertThat(lb.getInstances()).extracting(InstanceStatus::inFlight).containsOnly(0);
    }

    @Test
    void theBudgetCapsHedgesAtItsShareOfCalls() {
        RetryBudget tenPercent = RetryBudget.custom().percentCanRetry(0.1).minRetriesPerSecond(0).ticker(scheduler.ticker()).build();
        Hedging hedging = Hedging.of(lb, fixed(50).budget(tenPercent).build());

        for (int i = 0; i < 100; i++) {
            tried.clear();
            hedging.executeCompletionStage(scheduler, answers(1000, 10));
            scheduler.advance(Duration.ofMillis(60));
        }

        assertThat(hedging.getMetrics().getNumberOfCalls()).isEqualTo(100);
        assertThat(hedging.getMetrics().getNumberOfHedgesSent()).isEqualTo(10);
        assertThat(tenPercent.getNumberOfRefusedRetries()).isEqualTo(90);
    }

    @Test
    void aRequestThePolicyDoesNotCallIdempotentIsNeverHedged() {
        HedgingPolicy policy = fixed(50).budget(RetryBudget.unlimited())
                .idempotent(request -> ((String) request).startsWith("GET ")).build();
        Function<String, CompletionStage<String>> send = Hedging.of(lb, policy).decorateCompletionStageFunction(scheduler,
                (instance, request) -> answers(1000, 10).apply(instance));

        CompletableFuture<String> post = send.apply("POST /orders").toCompletableFuture();
        scheduler.advance(Duration.ofSeconds(2));
        int postAttempts = tried.size();
        tried.clear();
        CompletableFuture<String> get = send.apply("GET /orders/42").toCompletableFuture();
        scheduler.advance(Duration.ofSeconds(2));

        assertThat(postAttempts).isEqualTo(1);
        assertThat(post.join()).startsWith("answer 0 from ");
        assertThat(tried).hasSize(2);
        assertThat(get.join()).startsWith("answer 1 from ");
    }

    @Test
    void cancellingTheCallCancelsEveryAttemptAndReleasesItsLease() {
        Hedging hedging = Hedging.of(lb, fixed(50).budget(RetryBudget.unlimited()).build());
        CompletableFuture<String> call = hedging.executeCompletionStage(scheduler, answers(1000, 1000)).toCompletableFuture();
        scheduler.advance(Duration.ofMillis(60));

        call.cancel(true);

        assertThat(stages).hasSize(2).allSatisfy(s -> assertThat(s).isCancelled());
        assertThat(lb.getInstances()).extracting(InstanceStatus::inFlight).containsOnly(0);
        assertThat(lb.getInstances()).extracting(s -> s.circuitBreaker().getMetrics().getNumberOfBufferedCalls()).containsOnly(0);
        assertThat(hedging.getMetrics().getNumberOfCancelledAttempts()).isEqualTo(2);
    }

    @Test
    void aPercentileDelayWaitsForEnoughFirstAttemptsThenFollowsTheirLatency() {
        Hedging hedging = Hedging.of(lb, HedgingPolicy.custom().delayAtPercentile(0.95, Duration.ofMillis(1))
                .budget(RetryBudget.unlimited()).build());
        Duration before = hedging.getCurrentDelay();

        for (int i = 1; i <= 200; i++) {
            int millis = (i - 1) % 100 + 1; // 1 to 100 ms, twice: the 95th percentile is 95 ms
            tried.clear();
            hedging.executeCompletionStage(scheduler, answers(millis));
            scheduler.advance(Duration.ofMillis(millis));
            if (i == 50) {
                assertThat(hedging.getCurrentDelay()).isNull();
            }
        }
        Duration after = hedging.getCurrentDelay();

        assertThat(before).isNull();
        assertThat(after).isBetween(Duration.ofMillis(95), Duration.ofMillis(107));
        assertThat(hedging.getMetrics().getNumberOfHedgesSent()).isLessThanOrEqualTo(10);
    }

    @Test
    void aPercentileBelowTheFloorHedgesAtTheFloor() {
        Hedging hedging = Hedging.of(lb, HedgingPolicy.custom().delayAtPercentile(0.95, Duration.ofMillis(20))
                .budget(RetryBudget.unlimited()).build());

        for (int i = 0; i < 200; i++) {
            hedging.executeCompletionStage(scheduler, answers(1));
            scheduler.advance(Duration.ofMillis(1));
        }

        assertThat(hedging.getCurrentDelay()).isEqualTo(Duration.ofMillis(20));
    }

    @Test
    void theDeadlineCutsEveryAttemptStillRunningAndFailsTheCall() {
        Hedging hedging = Hedging.of(lb, fixed(50).budget(RetryBudget.unlimited()).build())
                .withDeadline(Duration.ofMillis(300), Duration.ofMillis(10));
        List<Duration> given = new CopyOnWriteArrayList<>();

        CompletableFuture<String> call = hedging.executeCompletionStage(scheduler, instance -> {
            given.add(Deadline.current().orElseThrow().timeLeft());
            return answers(5000, 5000).apply(instance);
        }).toCompletableFuture();
        scheduler.advance(Duration.ofMillis(299));
        boolean doneEarly = call.isDone();
        scheduler.advance(Duration.ofMillis(1));

        assertThat(doneEarly).isFalse();
        assertThat(given).containsExactly(Duration.ofMillis(300), Duration.ofMillis(250));
        assertThatThrownBy(call::join).cause().isInstanceOf(DeadlineExceededException.class)
                .hasMessageStartingWith("Deadline of 300 ms spent after 2 attempts on LoadBalancer 'orders'");
        assertThat(stages).allSatisfy(s -> assertThat(s).isCancelled());
        assertThat(lb.getInstances()).extracting(InstanceStatus::inFlight).containsOnly(0);
        assertThat(tried).extracting(i -> breaker(i).getMetrics().getNumberOfFailedCalls()).containsOnly(1);
    }

    @Test
    void noHedgeStartsWithLessThanTheFloorLeft() {
        Hedging hedging = Hedging.of(lb, fixed(50).budget(RetryBudget.unlimited()).build())
                .withDeadline(Duration.ofMillis(100), Duration.ofMillis(60));

        CompletableFuture<String> call = hedging.executeCompletionStage(scheduler, answers(80, 10)).toCompletableFuture();
        scheduler.advance(Duration.ofMillis(80));

        assertThat(tried).hasSize(1);
        assertThat(call).isCompletedWithValue("answer 0 from " + tried.get(0).id());
    }

    @Test
    void aCallThatFindsNoInstanceFailsAtOnce() {
        LoadBalancer empty = loadBalancer(List.of());

        CompletableFuture<String> call = Hedging.decorateCompletionStage(empty, fixed(50).build(), scheduler, answers(10)).get()
                .toCompletableFuture();

        assertThat(call).isCompletedExceptionally();
        assertThatThrownBy(call::join).cause().isInstanceOf(io.github.loadbalancer4j.NoAvailableInstanceException.class);
    }

    @Test
    void withoutABudgetHedgesDrawOnTheLoadBalancersDefaultBudget() {
        Hedging hedging = Hedging.of(lb, fixed(50).build());

        assertThat(hedging.getBudget()).isSameAs(FailoverRetry.defaultBudget(lb));
        assertThat(hedging.getPolicy().getMaxHedges()).isEqualTo(1);
    }

    @Test
    void badPolicySettingsAreRefusedWithTheValue() {
        assertThatThrownBy(() -> HedgingPolicy.custom().maxHedges(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxHedges: 0 (expected: 1-10)");
        assertThatThrownBy(() -> HedgingPolicy.custom().delayAtPercentile(1.0, Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("percentile: 1.0 (expected: above 0.0 and below 1.0, e.g. 0.95)");
        assertThatThrownBy(() -> HedgingPolicy.custom().delay(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("delay: PT0S (expected: > 0");
    }

    // ------------------------------------------------------------------------------------ helpers

    private static HedgingPolicy.Builder fixed(long millis) {
        return HedgingPolicy.custom().delay(Duration.ofMillis(millis));
    }

    /** The n-th attempt answers "answer n from <instance>" after the n-th latency (the last one for later attempts). */
    private Function<ServiceInstance, CompletionStage<String>> answers(long... latencies) {
        return instance -> {
            int n = tried.size();
            tried.add(instance);
            CompletableFuture<String> stage = later(latencies[Math.min(n, latencies.length - 1)], "answer " + n + " from " + instance.id());
            stages.add(stage);
            return stage;
        };
    }

    private CompletableFuture<String> later(long millis, String value) {
        CompletableFuture<String> stage = new CompletableFuture<>();
        Runnable answer = () -> stage.complete(value);
        scheduler.schedule(answer, millis, TimeUnit.MILLISECONDS);
        return stage;
    }

    private CompletableFuture<String> failLater(long millis, RuntimeException failure) {
        CompletableFuture<String> stage = new CompletableFuture<>();
        Runnable fail = () -> stage.completeExceptionally(failure);
        scheduler.schedule(fail, millis, TimeUnit.MILLISECONDS);
        return stage;
    }

    private CircuitBreaker breaker(ServiceInstance instance) {
        return lb.getInstances().stream().filter(s -> s.instance().equals(instance)).findFirst().orElseThrow().circuitBreaker();
    }

    private LoadBalancer loadBalancer(List<ServiceInstance> list) {
        LoadBalancer l = LoadBalancer.of("orders", InstanceSource.of(list), LoadBalancerConfig.custom()
                .selectionStrategy(SelectionStrategy.roundRobin()).ticker(scheduler.ticker()).build());
        loadBalancers.add(l);
        return l;
    }
}
