package io.github.loadbalancer4j.spring;

import io.github.loadbalancer4j.LoadBalancer;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

/** The auto-configurations a test context runs with, as an application with these starters would. */
final class Contexts {

    static final AutoConfigurations LOADBALANCER4J = AutoConfigurations.of(
            LoadBalancer4jAutoConfiguration.class,
            LoadBalancer4jClientsAutoConfiguration.class,
            LoadBalancer4jActuatorAutoConfiguration.class);

    static final AutoConfigurations RESILIENCE4J = AutoConfigurations.of(
            io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration.class,
            io.github.resilience4j.springboot3.retry.autoconfigure.RetryAutoConfiguration.class);

    static final AutoConfigurations SIMPLE_DISCOVERY = AutoConfigurations.of(
            org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration.class,
            org.springframework.cloud.client.discovery.composite.CompositeDiscoveryClientAutoConfiguration.class,
            org.springframework.cloud.commons.util.UtilAutoConfiguration.class);

    private Contexts() {
    }

    /** @return a runner with loadbalancer4j and resilience4j, and nothing else */
    static ApplicationContextRunner runner() {
        return new ApplicationContextRunner().withConfiguration(LOADBALANCER4J).withConfiguration(RESILIENCE4J);
    }

    static LoadBalancer loadBalancer(ApplicationContext context, String name) {
        return context.getBean(ConfiguredLoadBalancers.class).loadBalancer(name).orElseThrow();
    }
}
