package io.github.loadbalancer4j.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerRegistry;
import io.github.loadbalancer4j.retry.FailoverRetry;
import io.github.loadbalancer4j.retry.RetryBudget;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The examples of {@code docs/micrometer.md}, verbatim, with what they register checked. */
class MicrometerPageTest {

    @Test
    void aRegistryAndALoadBalancerAreBoundAndScraped() {
        PrometheusMeterRegistry meterRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

        // every load balancer of a registry, those created later included
        LoadBalancerRegistry registry = LoadBalancerRegistry.ofDefaults();
        TaggedLoadBalancerMetrics.ofLoadBalancerRegistry(registry).bindTo(meterRegistry);
        LoadBalancer orders = registry.loadBalancer("orders",
                InstanceSource.ofUris("http://127.0.0.11:8080", "http://127.0.0.12:8080"));

        // or one load balancer; for thousands of instances, without the per-instance meters
        LoadBalancer fleet = LoadBalancer.of("fleet", InstanceSource.ofUris("http://127.0.0.13:8080"));
        TaggedLoadBalancerMetrics.ofLoadBalancer(fleet,
                LoadBalancerMetricsConfig.custom().perInstanceMeters(false).build()).bindTo(meterRegistry);

        for (int i = 0; i < 10; i++) {
            orders.executeSupplier(instance -> "order from " + instance.id());
        }
        String scrape = meterRegistry.scrape();   // loadbalancer4j_calls_seconds_count{kind="successful",name="orders"} 10
        registry.remove("orders");                // closes it and removes its meters

        assertThat(scrape).containsPattern("loadbalancer4j_calls_seconds_count\\{kind=\"successful\",name=\"orders\"\\} 10(\\.0)?\\n");
        assertThat(scrape).contains("loadbalancer4j_instances_known{name=\"fleet\"} 1");
        assertThat(scrape).contains("instance=\"127.0.0.11:8080\"").doesNotContain("instance=\"127.0.0.13:8080\"");
        assertThat(meterRegistry.getMeters()).extracting(m -> m.getId().getTag("name")).doesNotContain("orders").contains("fleet");
        fleet.close();
    }

    @Test
    void retryBudgetsAreBoundOneByOneOrTogether() {
        SimpleMeterRegistry meterRegistry = new SimpleMeterRegistry();
        LoadBalancer users = LoadBalancer.of("users", InstanceSource.ofUris("http://127.0.0.11:8080"));
        RetryBudget cartsBudget = RetryBudget.ofDefaults("carts");
        RetryBudget paymentsBudget = RetryBudget.ofDefaults("payments");
        RetryBudget searchBudget = RetryBudget.unlimited();

        RetryBudget ordersBudget = RetryBudget.ofDefaults("orders");            // the budget you give FailoverRetry
        TaggedRetryBudgetMetrics.ofRetryBudget(ordersBudget).bindTo(meterRegistry);        // tag name="orders"

        // the default budget of the FailoverRetry overloads without one, named after the load balancer
        TaggedRetryBudgetMetrics.ofRetryBudget(FailoverRetry.defaultBudget(users)).bindTo(meterRegistry);

        // several at once (names must differ), or under a name of your choosing
        TaggedRetryBudgetMetrics.ofRetryBudgets(List.of(cartsBudget, paymentsBudget)).bindTo(meterRegistry);
        TaggedRetryBudgetMetrics.ofRetryBudget("search", searchBudget).bindTo(meterRegistry);

        ordersBudget.tryWithdraw();
        assertThat(meterRegistry.find(TaggedRetryBudgetMetrics.BALANCE).meters()).extracting(m -> m.getId().getTag("name"))
                .containsExactlyInAnyOrder("orders", "users", "carts", "payments", "search");
        assertThat(meterRegistry.get(TaggedRetryBudgetMetrics.RETRIES).tags("name", "orders", "kind", "granted").functionCounter().count())
                .isEqualTo(1.0);
        assertThat(meterRegistry.get(TaggedRetryBudgetMetrics.BALANCE).tag("name", "search").gauge().value())
                .isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(meterRegistry.getMeters()).extracting(Meter::getId).hasSize(15);
        users.close();
    }
}
