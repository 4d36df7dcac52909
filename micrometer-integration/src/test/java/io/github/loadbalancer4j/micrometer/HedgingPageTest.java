package io.github.loadbalancer4j.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.retry.Hedging;
import io.github.loadbalancer4j.retry.HedgingPolicy;
import io.github.loadbalancer4j.retry.RetryBudget;
import io.github.loadbalancer4j.testing.ManualScheduler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The events-and-metrics example of docs/hedging.md, with a hedged call in virtual time. */
class HedgingPageTest {

    private static final Logger log = LoggerFactory.getLogger(HedgingPageTest.class);

    @Test
    void eventsAndMetricsExample() {
        ManualScheduler scheduler = new ManualScheduler();
        MeterRegistry meterRegistry = new SimpleMeterRegistry();
        try (LoadBalancer orders = LoadBalancer.of("orders", InstanceSource.ofUris("http://127.0.0.11:8080", "http://127.0.0.12:8080"),
                LoadBalancerConfig.custom().ticker(scheduler.ticker()).build())) {
            Hedging hedging = Hedging.of(orders, HedgingPolicy.custom().delay(Duration.ofMillis(50)).budget(RetryBudget.unlimited()).build());

            hedging.getEventPublisher()
                    .onHedgeSent(event -> log.debug("{}", event))
                    .onHedgeWon(event -> log.info("{}", event));
            TaggedHedgingMetrics.ofHedging(hedging).bindTo(meterRegistry);

            CompletableFuture<String> slow = new CompletableFuture<>();
            hedging.executeCompletionStage(scheduler, instance -> {
                if (hedging.getMetrics().getNumberOfHedgesSent() == 0) {
                    return slow; // the first attempt never answers
                }
                CompletableFuture<String> fast = new CompletableFuture<>();
                Runnable answer = () -> fast.complete("ok");
                scheduler.schedule(answer, 5, TimeUnit.MILLISECONDS);
                return fast;
            });
            scheduler.advance(Duration.ofMillis(100));

            assertThat(slow).isCancelled();
            assertThat(meterRegistry.get(TaggedHedgingMetrics.HEDGES).tags("name", "orders", "kind", "won").functionCounter().count())
                    .isEqualTo(1.0);
        }
    }
}
