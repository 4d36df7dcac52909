package io.github.loadbalancer4j.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.retry.FailoverRetry;
import io.github.loadbalancer4j.retry.RetryBudget;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TaggedRetryBudgetMetricsTest {

    /** Half a retry per call, no floor, and a ticker that never moves: the balance is exactly calls / 2. */
    private static RetryBudget budget(String name) {
        return RetryBudget.custom().name(name).percentCanRetry(0.5).minRetriesPerSecond(0).ticker(() -> 0L).build();
    }

    @Test
    void countersMatchTheRetriesGrantedAndRefused() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RetryBudget budget = budget("orders");
        TaggedRetryBudgetMetrics.ofRetryBudget(budget).bindTo(registry);
        for (int i = 0; i < 4; i++) {
            budget.deposit();
        }

        boolean first = budget.tryWithdraw();
        boolean second = budget.tryWithdraw();
        boolean third = budget.tryWithdraw();

        assertThat(List.of(first, second, third)).containsExactly(true, true, false);
        assertThat(registry.get(TaggedRetryBudgetMetrics.RETRIES).tags("name", "orders", "kind", "granted")
                .functionCounter().count()).isEqualTo(2.0);
        assertThat(registry.get(TaggedRetryBudgetMetrics.RETRIES).tags("name", "orders", "kind", "refused")
                .functionCounter().count()).isEqualTo(1.0);
        assertThat(registry.get(TaggedRetryBudgetMetrics.BALANCE).tag("name", "orders").gauge().value())
                .isEqualTo(0.0);
    }

    @Test
    void failoverRetryGrantedByTheLoadBalancersDefaultBudgetIsCounted() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (LoadBalancer orders = LoadBalancer.of("orders", InstanceSource.ofUris("http://127.0.0.11:8080"))) {
            TaggedRetryBudgetMetrics.ofRetryBudget(FailoverRetry.defaultBudget(orders)).bindTo(registry);
            Supplier<String> call = FailoverRetry.decorateSupplier(retryTwice(), orders, instance -> {
                throw new IllegalStateException("down: " + instance);
            });

            Throwable thrown = catchThrowable(call::get);

            assertThat(thrown).isInstanceOf(IllegalStateException.class);
            assertThat(registry.get(TaggedRetryBudgetMetrics.RETRIES).tags("name", "orders", "kind", "granted")
                    .functionCounter().count()).isEqualTo(1.0);
            assertThat(registry.get(TaggedRetryBudgetMetrics.RETRIES).tags("name", "orders", "kind", "refused")
                    .functionCounter().count()).isEqualTo(0.0);
        }
    }

    @Test
    void failoverRetryRefusedByAnEmptyBudgetIsCounted() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RetryBudget empty = RetryBudget.custom().name("orders").percentCanRetry(0.0).minRetriesPerSecond(0)
                .ticker(() -> 0L).build();
        try (LoadBalancer orders = LoadBalancer.of("orders", InstanceSource.ofUris("http://127.0.0.11:8080"))) {
            TaggedRetryBudgetMetrics.ofRetryBudget(empty).bindTo(registry);
            Supplier<String> call = FailoverRetry.of(retryTwice(), orders).withBudget(empty).decorateSupplier(instance -> {
                throw new IllegalStateException("down: " + instance);
            });

            Throwable thrown = catchThrowable(call::get);

            assertThat(thrown).isInstanceOf(IllegalStateException.class);
            assertThat(registry.get(TaggedRetryBudgetMetrics.RETRIES).tags("name", "orders", "kind", "refused")
                    .functionCounter().count()).isEqualTo(1.0);
            assertThat(registry.get(TaggedRetryBudgetMetrics.RETRIES).tags("name", "orders", "kind", "granted")
                    .functionCounter().count()).isEqualTo(0.0);
        }
    }

    @Test
    void balanceGaugeFollowsTheCallsMade() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RetryBudget budget = budget("orders");
        TaggedRetryBudgetMetrics.ofRetryBudget(budget).bindTo(registry);

        for (int i = 0; i < 6; i++) {
            budget.deposit();
        }

        assertThat(registry.get(TaggedRetryBudgetMetrics.BALANCE).tag("name", "orders").gauge().value())
                .isEqualTo(3.0);
    }

    @Test
    void nameGivenReplacesTheBudgetsName() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        TaggedRetryBudgetMetrics.ofRetryBudget("payments", RetryBudget.ofDefaults()).bindTo(registry);

        assertThat(tagValues(registry, "name")).containsExactly("payments");
    }

    @Test
    void unlimitedBudgetReportsAnInfiniteBalanceAndCountsGrants() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RetryBudget unlimited = RetryBudget.unlimited();
        TaggedRetryBudgetMetrics.ofRetryBudget("unlimited", unlimited).bindTo(registry);

        unlimited.tryWithdraw();

        assertThat(registry.get(TaggedRetryBudgetMetrics.BALANCE).gauge().value()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(registry.get(TaggedRetryBudgetMetrics.RETRIES).tag("kind", "granted").functionCounter().count())
                .isEqualTo(1.0);
    }

    @Test
    void bindingTwiceOrASecondBinderForTheSameNameRegistersNothingTwice() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RetryBudget budget = budget("orders");
        TaggedRetryBudgetMetrics metrics = TaggedRetryBudgetMetrics.ofRetryBudget(budget);
        metrics.bindTo(registry);
        budget.deposit();
        budget.deposit();
        budget.tryWithdraw();

        metrics.bindTo(registry);
        TaggedRetryBudgetMetrics.ofRetryBudget(budget("orders")).bindTo(registry);

        assertThat(registry.getMeters()).hasSize(3);
        assertThat(registry.get(TaggedRetryBudgetMetrics.RETRIES).tag("kind", "granted").functionCounter().count())
                .isEqualTo(1.0);
    }

    @Test
    void severalBudgetsAreTaggedByNameWithTheSameTagKeys() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        RetryBudget orders = budget("orders");
        RetryBudget users = budget("users");
        TaggedRetryBudgetMetrics.ofRetryBudgets(List.of(orders, users)).bindTo(registry);
        users.tryWithdraw();

        String scrape = registry.scrape();

        assertThat(scrape)
                .contains("loadbalancer4j_retry_budget_retries_total{kind=\"refused\",name=\"users\"} 1.0")
                .contains("loadbalancer4j_retry_budget_retries_total{kind=\"granted\",name=\"orders\"} 0.0")
                .contains("loadbalancer4j_retry_budget_balance{name=\"orders\"} 0.0");
        assertThat(registry.find(TaggedRetryBudgetMetrics.RETRIES).meters())
                .extracting(meter -> tagKeys(meter))
                .containsOnly(Set.of("name", "kind"));
    }

    @Test
    void twoBudgetsWithOneNameAreRefused() {
        List<RetryBudget> budgets = List.of(budget("orders"), budget("orders"));

        assertThatThrownBy(() -> TaggedRetryBudgetMetrics.ofRetryBudgets(budgets))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("budgets: two named 'orders' (expected: distinct names)");
    }

    @Test
    void blankNameIsRefused() {
        RetryBudget budget = RetryBudget.ofDefaults();

        assertThatThrownBy(() -> TaggedRetryBudgetMetrics.ofRetryBudget(" ", budget))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name: ' ' (expected: a non-blank name)");
    }

    /** Two attempts, no wait, on any IllegalStateException. */
    private static Retry retryTwice() {
        return Retry.of("orders", RetryConfig.custom().maxAttempts(2).waitDuration(Duration.ZERO)
                .retryOnException(e -> e instanceof IllegalStateException).build());
    }

    private static Set<String> tagValues(MeterRegistry registry, String key) {
        return registry.getMeters().stream().map(meter -> meter.getId().getTag(key)).collect(Collectors.toSet());
    }

    private static Set<String> tagKeys(Meter meter) {
        return meter.getId().getTags().stream().map(tag -> tag.getKey()).collect(Collectors.toSet());
    }
}
