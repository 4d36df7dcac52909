package io.github.loadbalancer4j.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.retry.Hedging;
import io.github.loadbalancer4j.retry.HedgingPolicy;
import io.github.loadbalancer4j.retry.RetryBudget;
import io.github.loadbalancer4j.testing.ManualScheduler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The hedging meters, read after hedged calls run in virtual time. */
class TaggedHedgingMetricsTest {

    private final ManualScheduler scheduler = new ManualScheduler();
    private final LoadBalancer orders = LoadBalancer.of("orders",
            InstanceSource.ofUris("http://127.0.0.11:8080", "http://127.0.0.12:8080", "http://127.0.0.13:8080"),
            LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).ticker(scheduler.ticker()).build());
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @AfterEach
    void tearDown() {
        orders.close();
    }

    @Test
    void countersFollowTheHedgesSentWonAndCancelled() {
        Hedging hedging = Hedging.of(orders, HedgingPolicy.custom().delay(Duration.ofMillis(50)).budget(RetryBudget.unlimited()).build());
        TaggedHedgingMetrics.ofHedging(hedging).bindTo(registry);
        AtomicInteger attempts = new AtomicInteger();

        hedging.executeCompletionStage(scheduler, instance -> answerAfter(attempts.getAndIncrement() == 0 ? 1000 : 10, "ok"));
        scheduler.advance(Duration.ofSeconds(1));
        hedging.executeCompletionStage(scheduler, instance -> answerAfter(10, "ok"));
        scheduler.advance(Duration.ofSeconds(1));

        assertThat(count(TaggedHedgingMetrics.CALLS, null)).isEqualTo(2.0);
        assertThat(count(TaggedHedgingMetrics.HEDGES, "sent")).isEqualTo(1.0);
        assertThat(count(TaggedHedgingMetrics.HEDGES, "won")).isEqualTo(1.0);
        assertThat(count(TaggedHedgingMetrics.CANCELLED, null)).isEqualTo(1.0);
        assertThat(registry.get(TaggedHedgingMetrics.DELAY).tag("name", "orders").timeGauge().value(TimeUnit.MILLISECONDS))
                .isEqualTo(50.0);
    }

    @Test
    void aPercentileDelayReadsNaNUntilItHasEnoughSamples() {
        Hedging hedging = Hedging.of(orders, HedgingPolicy.custom().delayAtPercentile(0.95, Duration.ofMillis(1)).build());

        TaggedHedgingMetrics.ofHedging("orders-hedged", hedging).bindTo(registry);

        assertThat(registry.get(TaggedHedgingMetrics.DELAY).tag("name", "orders-hedged").timeGauge().value()).isNaN();
    }

    @Test
    void bindingTwiceRegistersNothingTwice() {
        Hedging hedging = Hedging.of(orders, HedgingPolicy.ofDefaults());

        TaggedHedgingMetrics.ofHedging(hedging).bindTo(registry);
        TaggedHedgingMetrics.ofHedging(Hedging.of(orders, HedgingPolicy.ofDefaults())).bindTo(registry);

        assertThat(registry.find(TaggedHedgingMetrics.HEDGES).meters()).hasSize(2);
        assertThat(registry.find(TaggedHedgingMetrics.CALLS).meters()).hasSize(1);
        assertThatThrownBy(() -> TaggedHedgingMetrics.ofHedging(" ", hedging)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name: ' ' (expected: a non-blank name)");
    }

    private double count(String meter, String kind) {
        var search = registry.get(meter).tag("name", "orders");
        return (kind == null ? search : search.tag("kind", kind)).functionCounter().count();
    }

    private CompletableFuture<String> answerAfter(long millis, String value) {
        CompletableFuture<String> stage = new CompletableFuture<>();
        Runnable answer = () -> stage.complete(value);
        scheduler.schedule(answer, millis, TimeUnit.MILLISECONDS);
        return stage;
    }
}
