package io.github.loadbalancer4j.spring;

import io.github.loadbalancer4j.LoadBalancerRegistry;
import io.github.loadbalancer4j.okhttp.OkHttpHealthChecker;
import io.github.loadbalancer4j.spring.internal.OnDemandServices;
import io.github.loadbalancer4j.spring.internal.ServiceFactory;
import io.github.loadbalancer4j.spring.internal.SpringCloudDiscoverySources;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import java.util.Collection;
import java.util.function.Supplier;
import okhttp3.OkHttpClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of the load balancers the {@code loadbalancer4j.*} properties describe: a
 * {@link ConfiguredLoadBalancers} and its {@link LoadBalancerRegistry}. Instance circuit breakers are
 * created in the application's resilience4j {@code CircuitBreakerRegistry} bean and retries taken from
 * its {@code RetryRegistry} bean, when there are such beans (resilience4j-spring-boot3). With Spring
 * Cloud Commons, {@code discovery: true} reads its {@code DiscoveryClient} and a {@code HeartbeatEvent}
 * refreshes the lists; with Spring Cloud Context, an {@code EnvironmentChangeEvent} (a refresh)
 * reconfigures the running load balancers; with loadbalancer4j-okhttp, {@code health-check.path} checks
 * over HTTP.
 */
@AutoConfiguration(afterName = {
        "io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration",
        "io.github.resilience4j.springboot3.retry.autoconfigure.RetryAutoConfiguration"})
@EnableConfigurationProperties(LoadBalancer4jProperties.class)
public class LoadBalancer4jAutoConfiguration {

    /** Created by Spring. */
    public LoadBalancer4jAutoConfiguration() {
    }

    /**
     * The load balancers of the properties; a bad value fails the application's start naming the
     * property and the value.
     *
     * @param properties the bound properties
     * @param circuitBreakers the application's breaker registry, if any
     * @param retries the application's retry registry, if any
     * @param discovery discovery sources, when Spring Cloud Commons is present
     * @param httpHealthCheckers HTTP health checkers, when OkHttp is present
     * @param environment to bind the properties again on a refresh
     * @return the load balancers
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public ConfiguredLoadBalancers configuredLoadBalancers(LoadBalancer4jProperties properties,
            ObjectProvider<CircuitBreakerRegistry> circuitBreakers, ObjectProvider<RetryRegistry> retries,
            ObjectProvider<ServiceFactory.DiscoverySources> discovery,
            ObjectProvider<ServiceFactory.HttpHealthCheckers> httpHealthCheckers, Environment environment) {
        ServiceFactory.DiscoverySources sources = discovery.getIfAvailable(() -> ServiceFactory.NO_DISCOVERY);
        ServiceFactory factory = new ServiceFactory(circuitBreakers.getIfAvailable(), retries.getIfAvailable(), sources,
                httpHealthCheckers.getIfAvailable());
        Supplier<? extends Collection<String>> services = sources.services();
        OnDemandServices onDemand = services == null ? null
                : new OnDemandServices(services, properties.getDiscovery().getRefreshInterval(), System::nanoTime);
        return new ConfiguredLoadBalancers(properties, factory,
                () -> Binder.get(environment).bindOrCreate(LoadBalancer4jProperties.PREFIX, LoadBalancer4jProperties.class),
                onDemand);
    }

    /**
     * Makes the configured services' load balancers once every bean exists; a bad value then fails the
     * application's start.
     *
     * @param loadBalancers the configured load balancers
     * @return the starter
     */
    @Bean
    public SmartInitializingSingleton loadBalancer4jStarter(ConfiguredLoadBalancers loadBalancers) {
        return loadBalancers::start;
    }

    /**
     * The registry holding the configured load balancers.
     *
     * @param loadBalancers the configured load balancers
     * @return their registry
     */
    @Bean
    @ConditionalOnMissingBean
    public LoadBalancerRegistry loadBalancerRegistry(ConfiguredLoadBalancers loadBalancers) {
        return loadBalancers.getRegistry();
    }

    /** Spring Cloud's DiscoveryClient as the source of {@code discovery: true} services. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(DiscoveryClient.class)
    static class DiscoveryConfiguration {

        @Bean
        ServiceFactory.DiscoverySources loadBalancer4jDiscoverySources(ObjectProvider<DiscoveryClient> blocking,
                ObjectProvider<ReactiveDiscoveryClient> reactive, LoadBalancer4jProperties properties) {
            return new SpringCloudDiscoverySources(blocking, reactive, properties.getDiscovery());
        }

        @Bean
        ApplicationListener<HeartbeatEvent> loadBalancer4jHeartbeatListener(ObjectProvider<ConfiguredLoadBalancers> loadBalancers) {
            return event -> loadBalancers.ifAvailable(ConfiguredLoadBalancers::refreshDiscovery);
        }
    }

    /** Spring Cloud's refresh reconfigures the running load balancers. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(EnvironmentChangeEvent.class)
    static class RefreshConfiguration {

        @Bean
        ApplicationListener<EnvironmentChangeEvent> loadBalancer4jRefreshListener(
                ObjectProvider<ConfiguredLoadBalancers> loadBalancers) {
            return event -> loadBalancers.ifAvailable(ConfiguredLoadBalancers::reconfigure);
        }
    }

    /** {@code health-check.path} checks over HTTP with OkHttp. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({OkHttpHealthChecker.class, OkHttpClient.class})
    static class OkHttpHealthCheckConfiguration {

        @Bean
        ServiceFactory.HttpHealthCheckers loadBalancer4jHttpHealthCheckers(ObjectProvider<OkHttpClient> client) {
            OkHttpClient shared = client.getIfAvailable(OkHttpClient::new);
            return path -> OkHttpHealthChecker.builder(shared).path(path).get().build();
        }
    }
}
