package io.github.loadbalancer4j.spring;

import io.github.loadbalancer4j.micrometer.TaggedLoadBalancerMetrics;
import io.github.loadbalancer4j.spring.internal.RetryBudgetMeters;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of what observes the load balancers: the Actuator endpoint {@code loadbalancers},
 * the health indicator {@code loadbalancers}, and, when the application has a Micrometer
 * {@code MeterRegistry}, the meters of the load balancers ({@link TaggedLoadBalancerMetrics}) and of the
 * failover retry budgets. The per-instance circuit breakers live in the application's
 * {@code CircuitBreakerRegistry}, so resilience4j's own meters and endpoints cover them.
 */
@AutoConfiguration(after = LoadBalancer4jAutoConfiguration.class, afterName = {
        "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnBean(ConfiguredLoadBalancers.class)
public class LoadBalancer4jActuatorAutoConfiguration {

    /** Created by Spring. */
    public LoadBalancer4jActuatorAutoConfiguration() {
    }

    /** The {@code loadbalancers} endpoint. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
    static class EndpointConfiguration {

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnAvailableEndpoint
        LoadBalancersEndpoint loadBalancersEndpoint(ConfiguredLoadBalancers loadBalancers) {
            return new LoadBalancersEndpoint(loadBalancers);
        }
    }

    /** The {@code loadbalancers} health indicator. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
    static class HealthConfiguration {

        // On the method: on the class, Spring would resolve its condition before checking that Actuator is there.
        @Bean
        @ConditionalOnEnabledHealthIndicator("loadbalancers")
        @ConditionalOnMissingBean(name = "loadbalancersHealthIndicator")
        LoadBalancersHealthIndicator loadbalancersHealthIndicator(ConfiguredLoadBalancers loadBalancers) {
            return new LoadBalancersHealthIndicator(loadBalancers.getRegistry());
        }
    }

    /** Meters, when there is a meter registry. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    @ConditionalOnBean(MeterRegistry.class)
    static class MetricsConfiguration {

        @Bean
        MeterBinder loadBalancer4jMetrics(ConfiguredLoadBalancers loadBalancers) {
            return TaggedLoadBalancerMetrics.ofLoadBalancerRegistry(loadBalancers.getRegistry());
        }

        @Bean
        MeterBinder loadBalancer4jRetryBudgetMetrics(ConfiguredLoadBalancers loadBalancers) {
            return new RetryBudgetMeters(loadBalancers);
        }
    }
}
