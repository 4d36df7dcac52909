package io.github.loadbalancer4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** A bad value fails the application's start with a message naming the property and the value. */
class InvalidPropertiesTest {

    private static final String ORDERS = "loadbalancer4j.instances.orders.";
    private static final String STATIC = ORDERS + "static-instances=http://10.0.1.10:8080";

    private static AbstractThrowableAssert<?, ? extends Throwable> startupFailure(ApplicationContextRunner runner,
            String... properties) {
        AssertableApplicationContext[] holder = new AssertableApplicationContext[1];
        runner.withPropertyValues(properties).run(context -> holder[0] = context);
        Throwable failure = holder[0].getStartupFailure();
        assertThat(failure).as("the application's start failed").isNotNull();
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return assertThat(root);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> startupFailure(String... properties) {
        return startupFailure(Contexts.runner(), properties);
    }

    @Test
    void anUnknownStrategyNameNamesTheKeyTheValueAndTheKnownNames() {
        startupFailure(STATIC, ORDERS + "strategy=fastest")
                .hasMessageContaining("loadbalancer4j.instances.orders.strategy")
                .hasMessageContaining("'fastest'")
                .hasMessageContaining("round-robin");
    }

    @Test
    void aBreakerConfigNameNotInTheRegistryNamesTheKeyAndTheValue() {
        startupFailure(STATIC, ORDERS + "circuit-breaker-config=no-such-config")
                .hasMessageContaining("loadbalancer4j.instances.orders.circuit-breaker-config")
                .hasMessageContaining("'no-such-config'")
                .hasMessageContaining("resilience4j.circuitbreaker.configs");
    }

    @Test
    void aNegativeDurationNamesTheKeyAndTheValue() {
        startupFailure(STATIC, ORDERS + "slow-start=-5s")
                .hasMessageContaining("loadbalancer4j.instances.orders.slow-start")
                .hasMessageContaining("'-5s'");
        startupFailure(STATIC, ORDERS + "health-check.interval=-1s")
                .hasMessageContaining("loadbalancer4j.instances.orders.health-check.interval")
                .hasMessageContaining("'-1s'");
        startupFailure(STATIC, ORDERS + "retry-budget.ttl=-10s")
                .hasMessageContaining("loadbalancer4j.instances.orders.retry-budget.ttl")
                .hasMessageContaining("'-10s'");
    }

    @Test
    void anUnknownBaseConfigNamesTheKeyAndTheValue() {
        startupFailure(STATIC, ORDERS + "base-config=shared", "loadbalancer4j.configs.sticky.strategy=consistent-hash")
                .hasMessageContaining("loadbalancer4j.instances.orders.base-config")
                .hasMessageContaining("'shared'")
                .hasMessageContaining("sticky");
    }

    @Test
    void aBadValueInASharedConfigNamesThatConfigsKey() {
        startupFailure(STATIC, "loadbalancer4j.configs.default.panic-threshold=1.5")
                .hasMessageContaining("loadbalancer4j.configs.default.panic-threshold")
                .hasMessageContaining("'1.5'");
    }

    @Test
    void aRetryNotInTheRegistryNamesTheKeyAndTheValue() {
        startupFailure(STATIC, ORDERS + "retry=no-such-retry")
                .hasMessageContaining("loadbalancer4j.instances.orders.retry")
                .hasMessageContaining("'no-such-retry'");
    }

    @Test
    void aMalformedStaticInstanceNamesItsIndexAndValue() {
        startupFailure(ORDERS + "static-instances=http://10.0.1.10:8080,http://10.0.1.11:70000")
                .hasMessageContaining("loadbalancer4j.instances.orders.static-instances[1]")
                .hasMessageContaining("'http://10.0.1.11:70000'");
    }

    @Test
    void aServiceWithoutInstancesOrWithBothSourcesIsRefused() {
        startupFailure(ORDERS + "strategy=random")
                .hasMessageContaining("loadbalancer4j.instances.orders.static-instances")
                .hasMessageContaining("discovery: true");
        startupFailure(STATIC, ORDERS + "discovery=true")
                .hasMessageContaining("loadbalancer4j.instances.orders.discovery")
                .hasMessageContaining("not both");
    }

    @Test
    void discoveryWithoutADiscoveryClientIsRefused() {
        startupFailure(ORDERS + "discovery=true")
                .hasMessageContaining("loadbalancer4j.instances.orders.discovery")
                .hasMessageContaining("DiscoveryClient");
    }

    @Test
    void aHealthCheckTimeoutNotShorterThanItsIntervalNamesBothKeys() {
        startupFailure(STATIC, ORDERS + "health-check.interval=1s", ORDERS + "health-check.timeout=2s")
                .hasMessageContaining("loadbalancer4j.instances.orders.health-check.timeout")
                .hasMessageContaining("loadbalancer4j.instances.orders.health-check.interval");
    }

    @Test
    void slowStartWithConsistentHashNamesTheService() {
        startupFailure(STATIC, ORDERS + "strategy=consistent-hash", ORDERS + "slow-start=10s")
                .hasMessageContaining("loadbalancer4j.instances.orders")
                .hasMessageContaining("slowStart");
    }

    @Test
    void aBreakerConfigWithoutResilience4jsRegistryIsRefused() {
        startupFailure(new ApplicationContextRunner().withConfiguration(Contexts.LOADBALANCER4J),
                STATIC, ORDERS + "circuit-breaker-config=per-instance")
                .hasMessageContaining("loadbalancer4j.instances.orders.circuit-breaker-config")
                .hasMessageContaining("CircuitBreakerRegistry");
    }

    @Test
    void anHttpHealthCheckWithoutOkHttpIsRefused() {
        startupFailure(Contexts.runner().withClassLoader(new org.springframework.boot.test.context.FilteredClassLoader(
                        "io.github.loadbalancer4j.okhttp")),
                STATIC, ORDERS + "health-check.path=/health")
                .hasMessageContaining("loadbalancer4j.instances.orders.health-check.path")
                .hasMessageContaining("loadbalancer4j-okhttp");
    }

    @Test
    void theFailureIsOneSpringBootReportsWithTheValuesOrigin() {
        startupFailure(STATIC, ORDERS + "strategy=fastest")
                .isInstanceOf(org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException.class);
    }
}
