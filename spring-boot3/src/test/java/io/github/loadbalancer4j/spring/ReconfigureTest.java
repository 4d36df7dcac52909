package io.github.loadbalancer4j.spring;

import static io.github.loadbalancer4j.spring.Contexts.loadBalancer;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.retry.RetryBudget;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@link ConfiguredLoadBalancers#reconfigure(LoadBalancer4jProperties)}, what a refresh runs: what can
 * change on a running load balancer changes, the rest waits for a new one, and a bad value changes nothing.
 */
class ReconfigureTest {

    private static final Map<String, String> START = Map.of(
            "resilience4j.retry.instances.first.max-attempts", "2",
            "resilience4j.retry.instances.second.max-attempts", "4",
            "loadbalancer4j.instances.orders.strategy", "round-robin",
            "loadbalancer4j.instances.orders.static-instances", "http://10.0.1.10:8080,http://10.0.1.11:8080",
            "loadbalancer4j.instances.orders.retry", "first");

    private static ApplicationContextRunner runner() {
        return Contexts.runner().withPropertyValues(START.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new));
    }

    private static LoadBalancer4jProperties changed(String... keyValues) {
        Map<String, String> all = new LinkedHashMap<>(START);
        for (int i = 0; i < keyValues.length; i += 2) {
            all.put(keyValues[i], keyValues[i + 1]);
        }
        return new Binder(new MapConfigurationPropertySource(all)).bindOrCreate("loadbalancer4j", LoadBalancer4jProperties.class);
    }

    @Test
    void strategyStaticInstancesRetryAndBudgetChangeOnTheRunningLoadBalancer() {
        runner().run(context -> {
            ConfiguredLoadBalancers loadBalancers = context.getBean(ConfiguredLoadBalancers.class);
            LoadBalancer before = loadBalancer(context, "orders");
            var breaker = before.getInstances().get(0).circuitBreaker();

            loadBalancers.reconfigure(changed(
                    "loadbalancer4j.instances.orders.strategy", "least-requests",
                    "loadbalancer4j.instances.orders.static-instances", "http://10.0.1.10:8080,http://10.0.1.12:8080",
                    "loadbalancer4j.instances.orders.retry", "second",
                    "loadbalancer4j.instances.orders.retry-budget.percent-can-retry", "0.5"));
            LoadBalancerRoute route = loadBalancers.find("orders");
            RetryBudget budget = route.retryBudget();

            assertThat(loadBalancer(context, "orders")).isSameAs(before);
            assertThat(before.getSelectionStrategy()).isEqualTo(SelectionStrategy.leastRequests());
            assertThat(before.getInstances()).extracting(s -> s.instance().id()).containsExactly("10.0.1.10:8080", "10.0.1.12:8080");
            assertThat(before.getInstances().get(0).circuitBreaker()).isSameAs(breaker);
            assertThat(route.retry().getName()).isEqualTo("second");
            assertThat(budget.getPercentCanRetry()).isEqualTo(0.5);
        });
    }

    @Test
    void keysOfTheImmutableConfigWaitForANewLoadBalancerWhileTheOthersApply() {
        runner().run(context -> {
            ConfiguredLoadBalancers loadBalancers = context.getBean(ConfiguredLoadBalancers.class);
            LoadBalancer orders = loadBalancer(context, "orders");

            loadBalancers.reconfigure(changed(
                    "loadbalancer4j.instances.orders.slow-start", "30s",
                    "loadbalancer4j.instances.orders.strategy", "random"));

            assertThat(orders.getConfig().getSlowStart()).isEqualTo(Duration.ZERO);
            assertThat(orders.getSelectionStrategy()).isEqualTo(SelectionStrategy.random());
        });
    }

    @Test
    void aBadValueInARefreshChangesNothingOfThatService() {
        runner().run(context -> {
            ConfiguredLoadBalancers loadBalancers = context.getBean(ConfiguredLoadBalancers.class);
            LoadBalancer orders = loadBalancer(context, "orders");

            loadBalancers.reconfigure(changed(
                    "loadbalancer4j.instances.orders.strategy", "fastest",
                    "loadbalancer4j.instances.orders.static-instances", "http://10.0.1.99:8080"));

            assertThat(orders.getSelectionStrategy()).isEqualTo(SelectionStrategy.roundRobin());
            assertThat(orders.getInstances()).extracting(s -> s.instance().id()).containsExactly("10.0.1.10:8080", "10.0.1.11:8080");
        });
    }

    @Test
    void aServiceAddedByARefreshGetsALoadBalancerAndARemovedOneKeepsRunning() {
        runner().run(context -> {
            ConfiguredLoadBalancers loadBalancers = context.getBean(ConfiguredLoadBalancers.class);
            Map<String, String> next = new LinkedHashMap<>();
            next.put("loadbalancer4j.instances.carts.static-instances", "http://10.0.2.10:8080");

            loadBalancers.reconfigure(new Binder(new MapConfigurationPropertySource(next))
                    .bindOrCreate("loadbalancer4j", LoadBalancer4jProperties.class));

            assertThat(loadBalancers.getRoutes()).containsOnlyKeys("orders", "carts");
            assertThat(loadBalancers.find("carts").loadBalancer().getInstances()).hasSize(1);
        });
    }

    @Test
    void reconfigureWithoutArgumentsBindsTheEnvironmentAgain() {
        runner().run(context -> {
            ConfiguredLoadBalancers loadBalancers = context.getBean(ConfiguredLoadBalancers.class);
            org.springframework.core.env.MutablePropertySources sources = context.getEnvironment().getPropertySources();
            sources.addFirst(new org.springframework.core.env.MapPropertySource("live",
                    Map.of("loadbalancer4j.instances.orders.strategy", "weighted-random")));

            loadBalancers.reconfigure();

            assertThat(loadBalancer(context, "orders").getSelectionStrategy()).isEqualTo(SelectionStrategy.weightedRandom());
        });
    }
}
