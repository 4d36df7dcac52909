package io.github.loadbalancer4j.spring;

import static io.github.loadbalancer4j.spring.Contexts.loadBalancer;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.LoadBalancerRegistry;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.health.HealthCheckConfig;
import io.github.loadbalancer4j.health.HealthChecker;
import io.github.loadbalancer4j.okhttp.OkHttpHealthChecker;
import io.github.loadbalancer4j.retry.FailoverRetry;
import io.github.loadbalancer4j.retry.RetryBudget;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every {@code loadbalancer4j.*} key reaches the load balancer it configures. */
class PropertiesTest {

    @Test
    void strategyNamesTheLoadBalancersStrategy() {
        Contexts.runner()
                .withPropertyValues(
                        "loadbalancer4j.instances.orders.strategy=least-requests",
                        "loadbalancer4j.instances.orders.static-instances=http://10.0.1.10:8080",
                        "loadbalancer4j.instances.carts.strategy=zone-preferring(eu-west-1a, round-robin)",
                        "loadbalancer4j.instances.carts.static-instances=http://10.0.2.10:8080")
                .run(context -> {
                    assertThat(loadBalancer(context, "orders").getSelectionStrategy())
                            .isEqualTo(SelectionStrategy.leastRequests());
                    assertThat(loadBalancer(context, "carts").getSelectionStrategy())
                            .hasToString(SelectionStrategy.zonePreferring("eu-west-1a", SelectionStrategy.roundRobin()).toString());
                });
    }

    @Test
    void unsetStrategyIsTheLibraryDefault() {
        Contexts.runner()
                .withPropertyValues("loadbalancer4j.instances.orders.static-instances=http://10.0.1.10:8080")
                .run(context -> assertThat(loadBalancer(context, "orders").getSelectionStrategy())
                        .isEqualTo(LoadBalancerConfig.DEFAULT_SELECTION_STRATEGY));
    }

    @Test
    void staticInstancesAreTheInstances() {
        Contexts.runner()
                .withPropertyValues("loadbalancer4j.instances.orders.static-instances=http://10.0.1.10:8080,https://10.0.1.11:8443")
                .run(context -> assertThat(loadBalancer(context, "orders").getInstances())
                        .extracting(s -> s.instance())
                        .containsExactly(ServiceInstance.parse("http://10.0.1.10:8080"), ServiceInstance.parse("https://10.0.1.11:8443")));
    }

    @Test
    void circuitBreakerConfigNamesAConfigOfResilience4jsRegistry() {
        Contexts.runner()
                .withPropertyValues(
                        "resilience4j.circuitbreaker.configs.per-instance.sliding-window-size=7",
                        "resilience4j.circuitbreaker.configs.per-instance.minimum-number-of-calls=3",
                        "loadbalancer4j.instances.orders.circuit-breaker-config=per-instance",
                        "loadbalancer4j.instances.orders.static-instances=http://10.0.1.10:8080")
                .run(context -> {
                    CircuitBreakerRegistry breakers = context.getBean(CircuitBreakerRegistry.class);
                    CircuitBreaker breaker = loadBalancer(context, "orders").getInstances().get(0).circuitBreaker();

                    assertThat(breaker.getCircuitBreakerConfig().getSlidingWindowSize()).isEqualTo(7);
                    assertThat(breaker.getCircuitBreakerConfig().getMinimumNumberOfCalls()).isEqualTo(3);
                    assertThat(breakers.find("orders#10.0.1.10:8080")).contains(breaker);
                });
    }

    @Test
    void withoutCircuitBreakerConfigInstancesGetThePerInstanceDefaultInTheApplicationsRegistry() {
        Contexts.runner()
                .withPropertyValues("loadbalancer4j.instances.orders.static-instances=http://10.0.1.10:8080")
                .run(context -> {
                    CircuitBreaker breaker = loadBalancer(context, "orders").getInstances().get(0).circuitBreaker();

                    assertThat(breaker.getCircuitBreakerConfig().getSlidingWindowSize())
                            .isEqualTo(LoadBalancerConfig.DEFAULT_INSTANCE_CIRCUIT_BREAKER_CONFIG.getSlidingWindowSize());
                    assertThat(context.getBean(CircuitBreakerRegistry.class).find(breaker.getName())).contains(breaker);
                });
    }

    // Health checks connect to the instances: their tests use closed loopback ports, never another address.
    @Test
    void healthCheckKeysMakeAnHttpCheckWhenAPathIsSet() {
        Contexts.runner()
                .withPropertyValues(
                        "loadbalancer4j.instances.orders.static-instances=http://127.0.0.1:1",
                        "loadbalancer4j.instances.orders.health-check.path=/ready",
                        "loadbalancer4j.instances.orders.health-check.interval=3s",
                        "loadbalancer4j.instances.orders.health-check.timeout=500ms",
                        "loadbalancer4j.instances.orders.health-check.unhealthy-threshold=4",
                        "loadbalancer4j.instances.orders.health-check.healthy-threshold=5",
                        "loadbalancer4j.instances.orders.health-check.jitter=0.3")
                .run(context -> {
                    HealthCheckConfig check = loadBalancer(context, "orders").getConfig().getHealthCheck();

                    assertThat(check).isNotNull();
                    assertThat(check.getChecker()).isInstanceOf(OkHttpHealthChecker.class).asString().contains("/ready");
                    assertThat(check.getInterval()).isEqualTo(Duration.ofSeconds(3));
                    assertThat(check.getTimeout()).isEqualTo(Duration.ofMillis(500));
                    assertThat(check.getUnhealthyThreshold()).isEqualTo(4);
                    assertThat(check.getHealthyThreshold()).isEqualTo(5);
                    assertThat(check.getJitter()).isEqualTo(0.3);
                });
    }

    @Test
    void healthCheckWithoutAPathConnectsOverTcpAndEnabledFalseTurnsItOff() {
        Contexts.runner()
                .withPropertyValues(
                        "loadbalancer4j.configs.default.health-check.interval=4s",
                        "loadbalancer4j.instances.orders.static-instances=http://127.0.0.1:1",
                        "loadbalancer4j.instances.carts.static-instances=http://127.0.0.1:2",
                        "loadbalancer4j.instances.carts.health-check.enabled=false")
                .run(context -> {
                    HealthCheckConfig orders = loadBalancer(context, "orders").getConfig().getHealthCheck();

                    assertThat(orders).isNotNull();
                    assertThat(orders.getChecker()).isSameAs(HealthChecker.tcp());
                    assertThat(orders.getInterval()).isEqualTo(Duration.ofSeconds(4));
                    assertThat(loadBalancer(context, "carts").getConfig().getHealthCheck()).isNull();
                });
    }

    @Test
    void slowStartPanicThresholdAndMaxSelectionAttemptsReachTheConfig() {
        Contexts.runner()
                .withPropertyValues(
                        "loadbalancer4j.instances.orders.static-instances=http://10.0.1.10:8080",
                        "loadbalancer4j.instances.orders.slow-start=30s",
                        "loadbalancer4j.instances.orders.panic-threshold=0.5",
                        "loadbalancer4j.instances.orders.max-selection-attempts=5")
                .run(context -> {
                    LoadBalancerConfig config = loadBalancer(context, "orders").getConfig();

                    assertThat(config.getSlowStart()).isEqualTo(Duration.ofSeconds(30));
                    assertThat(config.getPanicThreshold()).isEqualTo(0.5);
                    assertThat(config.getMaxSelectionAttempts()).isEqualTo(5);
                });
    }

    @Test
    void retryNamesAResilience4jRetryAndWithoutABudgetFailoverDrawsOnTheDefaultOne() {
        Contexts.runner()
                .withPropertyValues(
                        "resilience4j.retry.instances.orders-retry.max-attempts=4",
                        "loadbalancer4j.instances.orders.static-instances=http://10.0.1.10:8080",
                        "loadbalancer4j.instances.orders.retry=orders-retry")
                .run(context -> {
                    LoadBalancerRoute route = context.getBean(ConfiguredLoadBalancers.class).find("orders");

                    assertThat(route).isNotNull();
                    assertThat(route.retry()).isNotNull();
                    assertThat(route.retry().getName()).isEqualTo("orders-retry");
                    assertThat(route.retry().getRetryConfig().getMaxAttempts()).isEqualTo(4);
                    assertThat(route.retryBudget()).isSameAs(FailoverRetry.defaultBudget(route.loadBalancer()));
                });
    }

    @Test
    void retryMayNameAConfigOfTheRetryRegistry() {
        Contexts.runner()
                .withPropertyValues(
                        "resilience4j.retry.configs.idempotent.max-attempts=2",
                        "loadbalancer4j.instances.orders.static-instances=http://10.0.1.10:8080",
                        "loadbalancer4j.instances.orders.retry=idempotent")
                .run(context -> {
                    LoadBalancerRoute route = context.getBean(ConfiguredLoadBalancers.class).find("orders");

                    assertThat(route.retry().getRetryConfig().getMaxAttempts()).isEqualTo(2);
                });
    }

    @Test
    void retryBudgetKeysMakeTheServicesBudget() {
        Contexts.runner()
                .withPropertyValues(
                        "resilience4j.retry.instances.orders.max-attempts=3",
                        "loadbalancer4j.instances.orders.static-instances=http://10.0.1.10:8080",
                        "loadbalancer4j.instances.orders.retry=orders",
                        "loadbalancer4j.instances.orders.retry-budget.percent-can-retry=0.1",
                        "loadbalancer4j.instances.orders.retry-budget.min-retries-per-second=3",
                        "loadbalancer4j.instances.orders.retry-budget.ttl=20s")
                .run(context -> {
                    RetryBudget budget = context.getBean(ConfiguredLoadBalancers.class).find("orders").retryBudget();

                    assertThat(budget.getName()).isEqualTo("orders");
                    assertThat(budget.getPercentCanRetry()).isEqualTo(0.1);
                    assertThat(budget.getMinRetriesPerSecond()).isEqualTo(3);
                    assertThat(budget.getTtl()).isEqualTo(Duration.ofSeconds(20));
                });
    }

    @Test
    void withoutRetryThereIsNoFailover() {
        Contexts.runner()
                .withPropertyValues("loadbalancer4j.instances.orders.static-instances=http://10.0.1.10:8080")
                .run(context -> {
                    LoadBalancerRoute route = context.getBean(ConfiguredLoadBalancers.class).find("orders");

                    assertThat(route.retry()).isNull();
                    assertThat(route.retryBudget()).isNull();
                });
    }

    @Test
    void servicesTakeUnsetKeysFromTheirBaseConfigThenFromDefault() {
        Contexts.runner()
                .withPropertyValues(
                        "loadbalancer4j.configs.default.strategy=random",
                        "loadbalancer4j.configs.default.max-selection-attempts=2",
                        "loadbalancer4j.configs.sticky.strategy=consistent-hash",
                        "loadbalancer4j.configs.sticky.panic-threshold=0.3",
                        "loadbalancer4j.instances.sessions.base-config=sticky",
                        "loadbalancer4j.instances.sessions.panic-threshold=0.4",
                        "loadbalancer4j.instances.sessions.static-instances=http://10.0.3.10:8080",
                        "loadbalancer4j.instances.orders.static-instances=http://10.0.1.10:8080")
                .run(context -> {
                    LoadBalancerConfig sessions = loadBalancer(context, "sessions").getConfig();
                    LoadBalancerConfig orders = loadBalancer(context, "orders").getConfig();

                    assertThat(sessions.getSelectionStrategy()).isEqualTo(SelectionStrategy.consistentHash());
                    assertThat(sessions.getPanicThreshold()).isEqualTo(0.4);
                    assertThat(sessions.getMaxSelectionAttempts()).isEqualTo(2);
                    assertThat(orders.getSelectionStrategy()).isEqualTo(SelectionStrategy.random());
                    assertThat(orders.getPanicThreshold()).isEqualTo(0.0);
                });
    }

    @Test
    void theRegistryHoldsEveryServiceAndTheSharedConfigsByName() {
        Contexts.runner()
                .withPropertyValues(
                        "loadbalancer4j.configs.default.strategy=round-robin",
                        "loadbalancer4j.configs.sticky.strategy=consistent-hash",
                        "loadbalancer4j.instances.orders.static-instances=http://10.0.1.10:8080",
                        "loadbalancer4j.instances.carts.static-instances=http://10.0.2.10:8080")
                .run(context -> {
                    LoadBalancerRegistry registry = context.getBean(LoadBalancerRegistry.class);

                    assertThat(registry.getAllLoadBalancers()).extracting(LoadBalancer::getName)
                            .containsExactlyInAnyOrder("orders", "carts");
                    assertThat(registry.getDefaultConfig().getSelectionStrategy()).isEqualTo(SelectionStrategy.roundRobin());
                    assertThat(registry.getConfiguration("sticky")).get()
                            .extracting(LoadBalancerConfig::getSelectionStrategy).isEqualTo(SelectionStrategy.consistentHash());
                    assertThat(context.getBean(ConfiguredLoadBalancers.class).getRegistry()).isSameAs(registry);
                });
    }

    @Test
    void discoveryTrueReadsTheDiscoveryClientWithItsMetadata() {
        Contexts.runner()
                .withConfiguration(Contexts.SIMPLE_DISCOVERY)
                .withPropertyValues(
                        "spring.cloud.discovery.client.simple.instances.payments[0].uri=http://10.0.4.10:8080",
                        "spring.cloud.discovery.client.simple.instances.payments[0].metadata.zone=eu-west-1a",
                        "spring.cloud.discovery.client.simple.instances.payments[0].metadata.weight=3",
                        "spring.cloud.discovery.client.simple.instances.payments[1].uri=http://10.0.4.11:8080",
                        "loadbalancer4j.instances.payments.discovery=true")
                .run(context -> assertThat(loadBalancer(context, "payments").getInstances())
                        .extracting(s -> s.instance())
                        .containsExactly(
                                ServiceInstance.builder("10.0.4.10", 8080).zone("eu-west-1a").weight(3)
                                        .metadata(java.util.Map.of("zone", "eu-west-1a", "weight", "3")).build(),
                                ServiceInstance.of("10.0.4.11", 8080))
                        .satisfies(list -> {
                            assertThat(list.get(0).zone()).isEqualTo("eu-west-1a");
                            assertThat(list.get(0).weight()).isEqualTo(3);
                        }));
    }

    @Test
    void aDiscoveredServiceThatNoPropertyNamesGetsALoadBalancerWhenARequestNamesIt() {
        Contexts.runner()
                .withConfiguration(Contexts.SIMPLE_DISCOVERY)
                .withPropertyValues(
                        "spring.cloud.discovery.client.simple.instances.inventory[0].uri=http://10.0.5.10:8080",
                        "loadbalancer4j.configs.default.discovery=true",
                        "loadbalancer4j.configs.default.strategy=round-robin")
                .run(context -> {
                    ConfiguredLoadBalancers loadBalancers = context.getBean(ConfiguredLoadBalancers.class);
                    LoadBalancerRegistry registry = context.getBean(LoadBalancerRegistry.class);
                    assertThat(registry.find("inventory")).isEmpty();

                    LoadBalancerRoute inventory = loadBalancers.find("inventory");
                    LoadBalancerRoute external = loadBalancers.find("api.example.com");

                    assertThat(inventory).isNotNull();
                    assertThat(inventory.loadBalancer().getSelectionStrategy()).isEqualTo(SelectionStrategy.roundRobin());
                    assertThat(inventory.loadBalancer().getInstances()).extracting(s -> s.instance().id())
                            .containsExactly("10.0.5.10:8080");
                    assertThat(registry.find("inventory")).contains(inventory.loadBalancer());
                    assertThat(external).isNull();
                });
    }

    @Test
    void onDemandFalseKeepsUnconfiguredServicesOut() {
        Contexts.runner()
                .withConfiguration(Contexts.SIMPLE_DISCOVERY)
                .withPropertyValues(
                        "spring.cloud.discovery.client.simple.instances.inventory[0].uri=http://10.0.5.10:8080",
                        "loadbalancer4j.configs.default.discovery=true",
                        "loadbalancer4j.discovery.on-demand=false")
                .run(context -> assertThat(context.getBean(ConfiguredLoadBalancers.class).find("inventory")).isNull());
    }

    @Test
    void discoveryKeysAndIntervalAreTheSourcesSettings() {
        Contexts.runner()
                .withConfiguration(Contexts.SIMPLE_DISCOVERY)
                .withPropertyValues(
                        "spring.cloud.discovery.client.simple.instances.payments[0].uri=http://10.0.4.10:8080",
                        "spring.cloud.discovery.client.simple.instances.payments[0].metadata.az=eu-west-1b",
                        "spring.cloud.discovery.client.simple.instances.payments[0].metadata.capacity=7",
                        "loadbalancer4j.discovery.refresh-interval=2s",
                        "loadbalancer4j.discovery.zone-keys=az",
                        "loadbalancer4j.discovery.weight-keys=capacity",
                        "loadbalancer4j.instances.payments.discovery=true")
                .run(context -> {
                    ServiceInstance instance = loadBalancer(context, "payments").getInstances().get(0).instance();

                    assertThat(instance.zone()).isEqualTo("eu-west-1b");
                    assertThat(instance.weight()).isEqualTo(7);
                    assertThat(context.getBean(LoadBalancer4jProperties.class).getDiscovery().getRefreshInterval())
                            .isEqualTo(Duration.ofSeconds(2));
                });
    }

    @Test
    void servicesLeftOutOfConfigurationAreNotRouted() {
        Contexts.runner()
                .withPropertyValues("loadbalancer4j.instances.orders.static-instances=http://10.0.1.10:8080")
                .run(context -> {
                    ConfiguredLoadBalancers loadBalancers = context.getBean(ConfiguredLoadBalancers.class);

                    assertThat(loadBalancers.find("ORDERS")).isNotNull();
                    assertThat(loadBalancers.find("example.com")).isNull();
                    assertThat(loadBalancers.getRoutes()).containsOnlyKeys("orders");
                    assertThat(List.copyOf(loadBalancers.getRoutes().values()))
                            .extracting(LoadBalancerRoute::loadBalancer).extracting(LoadBalancer::getName).containsExactly("orders");
                });
    }
}
