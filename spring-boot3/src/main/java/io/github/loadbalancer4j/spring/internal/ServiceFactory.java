package io.github.loadbalancer4j.spring.internal;

import static io.github.loadbalancer4j.spring.internal.ServiceSettings.CIRCUIT_BREAKER_CONFIG;
import static io.github.loadbalancer4j.spring.internal.ServiceSettings.DISCOVERY;
import static io.github.loadbalancer4j.spring.internal.ServiceSettings.HEALTH_CHECK_ENABLED;
import static io.github.loadbalancer4j.spring.internal.ServiceSettings.HEALTH_CHECK_HEALTHY_THRESHOLD;
import static io.github.loadbalancer4j.spring.internal.ServiceSettings.HEALTH_CHECK_INTERVAL;
import static io.github.loadbalancer4j.spring.internal.ServiceSettings.HEALTH_CHECK_JITTER;
import static io.github.loadbalancer4j.spring.internal.ServiceSettings.HEALTH_CHECK_PATH;
import static io.github.loadbalancer4j.spring.internal.ServiceSettings.HEALTH_CHECK_TIMEOUT;
import static io.github.loadbalancer4j.spring.internal.ServiceSettings.HEALTH_CHECK_UNHEALTHY_THRESHOLD;
import static io.github.loadbalancer4j.spring.internal.ServiceSettings.MAX_SELECTION_ATTEMPTS;
import static io.github.loadbalancer4j.spring.internal.ServiceSettings.PANIC_THRESHOLD;
import static io.github.loadbalancer4j.spring.internal.ServiceSettings.RETRY;
import static io.github.loadbalancer4j.spring.internal.ServiceSettings.RETRY_BUDGET_MIN_RETRIES_PER_SECOND;
import static io.github.loadbalancer4j.spring.internal.ServiceSettings.RETRY_BUDGET_PERCENT_CAN_RETRY;
import static io.github.loadbalancer4j.spring.internal.ServiceSettings.RETRY_BUDGET_TTL;
import static io.github.loadbalancer4j.spring.internal.ServiceSettings.SLOW_START;
import static io.github.loadbalancer4j.spring.internal.ServiceSettings.STATIC_INSTANCES;
import static io.github.loadbalancer4j.spring.internal.ServiceSettings.STRATEGY;
import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.MutableInstanceSource;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.health.HealthCheckConfig;
import io.github.loadbalancer4j.health.HealthChecker;
import io.github.loadbalancer4j.retry.RetryBudget;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Makes what a service's {@link ServiceSettings} describe (its {@link LoadBalancerConfig}, instance
 * source, Retry and retry budget) from the application's beans, and turns every bad value into an
 * {@link InvalidConfigurationPropertyValueException} naming the property and the value, which Spring
 * Boot reports as the reason the application did not start.
 *
 * <p>Public for the loadbalancer4j modules; not API.
 */
public final class ServiceFactory {

    /** Where a service's instances come from, when discovery is asked for. */
    public interface DiscoverySources {
        /**
         * @param serviceId the service id
         * @return a started source, or null when the application has no DiscoveryClient
         */
        @Nullable InstanceSource create(String serviceId);

        /**
         * @return lists the services discovery knows (may block), or null when the application has no
         *     DiscoveryClient
         */
        @Nullable Supplier<? extends Collection<String>> services();
    }

    /** Makes HTTP health checkers, when the application can (OkHttp on the class path). */
    @FunctionalInterface
    public interface HttpHealthCheckers {
        /**
         * @param path the path to check, such as {@code /health}
         * @return the checker
         * @throws IllegalArgumentException if the path is not a valid one
         */
        HealthChecker create(String path);
    }

    /** No DiscoveryClient: no discovery sources. */
    public static final DiscoverySources NO_DISCOVERY = new DiscoverySources() {
        @Override
        public @Nullable InstanceSource create(String serviceId) {
            return null;
        }

        @Override
        public @Nullable Supplier<? extends Collection<String>> services() {
            return null;
        }
    };

    private final @Nullable CircuitBreakerRegistry circuitBreakers;
    private final @Nullable RetryRegistry retries;
    private final DiscoverySources discovery;
    private final @Nullable HttpHealthCheckers httpHealthChecker;

    /**
     * @param circuitBreakers the application's registry, or null (each load balancer then has its own)
     * @param retries the application's registry, or null (no {@code retry} key can be set)
     * @param discovery makes discovery sources
     * @param httpHealthChecker makes an HTTP checker for a path, or null without OkHttp
     */
    public ServiceFactory(@Nullable CircuitBreakerRegistry circuitBreakers, @Nullable RetryRegistry retries,
            DiscoverySources discovery, @Nullable HttpHealthCheckers httpHealthChecker) {
        this.circuitBreakers = circuitBreakers;
        this.retries = retries;
        this.discovery = requireNonNull(discovery, "discovery");
        this.httpHealthChecker = httpHealthChecker;
    }

    /**
     * @param s the settings
     * @return the strategy the settings name, or the default
     * @throws InvalidConfigurationPropertyValueException if the name is unknown
     */
    public SelectionStrategy strategy(ServiceSettings s) {
        String name = s.get(STRATEGY, String.class);
        if (name == null) {
            return LoadBalancerConfig.DEFAULT_SELECTION_STRATEGY;
        }
        try {
            return SelectionStrategy.parse(name);
        } catch (IllegalArgumentException e) {
            throw invalid(s, STRATEGY, e.getMessage());
        }
    }

    /**
     * @param s the settings
     * @return the load balancer config they describe
     * @throws InvalidConfigurationPropertyValueException naming the first bad value
     * @throws IllegalStateException naming the service when two values conflict
     */
    public LoadBalancerConfig config(ServiceSettings s) {
        LoadBalancerConfig.Builder b = LoadBalancerConfig.custom().selectionStrategy(strategy(s));
        if (circuitBreakers != null) {
            b.circuitBreakerRegistry(circuitBreakers);
        }
        String breakerConfig = s.get(CIRCUIT_BREAKER_CONFIG, String.class);
        if (breakerConfig != null) {
            if (circuitBreakers == null) {
                throw invalid(s, CIRCUIT_BREAKER_CONFIG, "the application has no resilience4j CircuitBreakerRegistry bean"
                        + " (expected: resilience4j-spring-boot3 with resilience4j.circuitbreaker.configs." + breakerConfig + ")");
            }
            if (circuitBreakers.getConfiguration(breakerConfig).isEmpty()) {
                throw invalid(s, CIRCUIT_BREAKER_CONFIG, "no such config in the CircuitBreakerRegistry (expected: a name under"
                        + " resilience4j.circuitbreaker.configs)");
            }
            b.circuitBreakerConfigName(breakerConfig);
        }
        HealthCheckConfig healthCheck = healthCheck(s);
        if (healthCheck != null) {
            b.healthCheck(healthCheck);
        }
        set(s, SLOW_START, Duration.class, b::slowStart);
        set(s, PANIC_THRESHOLD, Double.class, b::panicThreshold);
        set(s, MAX_SELECTION_ATTEMPTS, Integer.class, b::maxSelectionAttempts);
        try {
            return b.build();
        } catch (IllegalStateException e) {
            throw new IllegalStateException(s.prefix() + ": " + e.getMessage()); // the whole story is in the message
        }
    }

    private @Nullable HealthCheckConfig healthCheck(ServiceSettings s) {
        Boolean enabled = s.get(HEALTH_CHECK_ENABLED, Boolean.class);
        if (enabled != null ? !enabled : !s.hasAnyHealthCheckKey()) {
            return null;
        }
        String path = s.get(HEALTH_CHECK_PATH, String.class);
        HealthChecker checker;
        if (path == null) {
            checker = HealthChecker.tcp();
        } else if (httpHealthChecker == null) {
            throw invalid(s, HEALTH_CHECK_PATH, "HTTP checks need loadbalancer4j-okhttp on the class path (expected: add it,"
                    + " or leave the path unset for TCP-connect checks)");
        } else {
            try {
                checker = httpHealthChecker.create(path);
            } catch (IllegalArgumentException e) {
                throw invalid(s, HEALTH_CHECK_PATH, e.getMessage());
            }
        }
        HealthCheckConfig.Builder b = HealthCheckConfig.custom(checker);
        set(s, HEALTH_CHECK_INTERVAL, Duration.class, b::interval);
        set(s, HEALTH_CHECK_TIMEOUT, Duration.class, b::timeout);
        set(s, HEALTH_CHECK_UNHEALTHY_THRESHOLD, Integer.class, b::unhealthyThreshold);
        set(s, HEALTH_CHECK_HEALTHY_THRESHOLD, Integer.class, b::healthyThreshold);
        set(s, HEALTH_CHECK_JITTER, Double.class, b::jitter);
        try {
            return b.build();
        } catch (IllegalStateException e) {
            throw new IllegalStateException(s.property(HEALTH_CHECK_TIMEOUT) + " and " + s.property(HEALTH_CHECK_INTERVAL)
                    + ": " + e.getMessage());
        }
    }

    /**
     * @param s the settings
     * @return the instances of {@code static-instances}, or null when it is not set
     * @throws InvalidConfigurationPropertyValueException naming the first malformed URI
     */
    public @Nullable List<ServiceInstance> staticInstances(ServiceSettings s) {
        @SuppressWarnings("unchecked")
        List<String> uris = s.get(STATIC_INSTANCES, List.class);
        if (uris == null) {
            return null;
        }
        List<ServiceInstance> instances = new ArrayList<>(uris.size());
        for (int i = 0; i < uris.size(); i++) {
            String uri = uris.get(i);
            try {
                instances.add(ServiceInstance.parse(requireNonNull(uri, "uri")));
            } catch (RuntimeException e) {
                throw new InvalidConfigurationPropertyValueException(s.property(STATIC_INSTANCES) + "[" + i + "]", uri,
                        e.getMessage() + " (expected: http://host:port or https://host:port)");
            }
        }
        return instances;
    }

    /**
     * Makes the source: a mutable one for {@code static-instances} (a refresh updates it), a discovery one
     * for {@code discovery: true}.
     *
     * @param s the settings
     * @return the source
     * @throws InvalidConfigurationPropertyValueException when both, or neither, are set, or discovery is
     *     asked for without a DiscoveryClient
     */
    public InstanceSource source(ServiceSettings s) {
        List<ServiceInstance> fixed = staticInstances(s);
        boolean discovered = Boolean.TRUE.equals(s.get(DISCOVERY, Boolean.class));
        if (fixed != null && discovered) {
            throw invalid(s, DISCOVERY, "set together with " + s.property(STATIC_INSTANCES)
                    + " (expected: static-instances, or discovery: true, not both)");
        }
        if (fixed != null) {
            return InstanceSource.mutable(fixed.toArray(new ServiceInstance[0]));
        }
        if (!discovered) {
            throw new InvalidConfigurationPropertyValueException(s.prefix() + "." + STATIC_INSTANCES, null,
                    "the service has no instances (expected: static-instances: [http://host:port, ...], or discovery: true)");
        }
        InstanceSource source = discovery.create(s.service());
        if (source == null) {
            throw invalid(s, DISCOVERY, "the application has no Spring Cloud DiscoveryClient bean (expected: a discovery"
                    + " client starter such as spring-cloud-starter-netflix-eureka-client, or static-instances)");
        }
        return source;
    }

    /**
     * @param s the settings
     * @return whether the service's instances come from discovery
     */
    public static boolean usesDiscovery(ServiceSettings s) {
        return Boolean.TRUE.equals(s.get(DISCOVERY, Boolean.class));
    }

    /**
     * @param source a source this factory made
     * @param s new settings
     * @return true when the source is the static kind and now holds {@code s}'s list
     */
    public boolean updateStatic(InstanceSource source, ServiceSettings s) {
        List<ServiceInstance> fixed = staticInstances(s);
        if (fixed == null || !(source instanceof MutableInstanceSource)) {
            return false;
        }
        ((MutableInstanceSource) source).update(fixed);
        return true;
    }

    /**
     * @param s the settings
     * @return the Retry {@code retry} names, or null when unset
     * @throws InvalidConfigurationPropertyValueException if the RetryRegistry has neither a retry nor a
     *     config of that name, or there is no RetryRegistry
     */
    public @Nullable Retry retry(ServiceSettings s) {
        String name = s.get(RETRY, String.class);
        if (name == null) {
            return null;
        }
        if (retries == null) {
            throw invalid(s, RETRY, "the application has no resilience4j RetryRegistry bean (expected: resilience4j-spring-boot3"
                    + " with resilience4j.retry.instances." + name + ")");
        }
        if (retries.find(name).isPresent()) {
            return retries.retry(name);
        }
        if (retries.getConfiguration(name).isPresent()) {
            return retries.retry(name, name);
        }
        throw invalid(s, RETRY, "no such retry in the RetryRegistry (expected: a name under resilience4j.retry.instances"
                + " or resilience4j.retry.configs)");
    }

    /**
     * @param s the settings
     * @return the budget the {@code retry-budget.*} keys describe, named after the service, or null when
     *     none is set (failover then draws on the load balancer's default budget)
     * @throws InvalidConfigurationPropertyValueException naming the first bad value
     */
    public @Nullable RetryBudget retryBudget(ServiceSettings s) {
        if (!s.has(RETRY_BUDGET_PERCENT_CAN_RETRY) && !s.has(RETRY_BUDGET_MIN_RETRIES_PER_SECOND) && !s.has(RETRY_BUDGET_TTL)) {
            return null;
        }
        RetryBudget.Builder b = RetryBudget.custom().name(s.service());
        set(s, RETRY_BUDGET_PERCENT_CAN_RETRY, Double.class, b::percentCanRetry);
        set(s, RETRY_BUDGET_MIN_RETRIES_PER_SECOND, Integer.class, b::minRetriesPerSecond);
        set(s, RETRY_BUDGET_TTL, Duration.class, b::ttl);
        return b.build();
    }

    /** Applies a set value to a builder's setter, naming the property when the setter refuses it. */
    private static <T> void set(ServiceSettings s, String key, Class<T> type, Consumer<T> setter) {
        T value = s.get(key, type);
        if (value == null) {
            return;
        }
        try {
            setter.accept(value);
        } catch (IllegalArgumentException e) {
            throw invalid(s, key, e.getMessage());
        }
    }

    private static InvalidConfigurationPropertyValueException invalid(ServiceSettings s, String key, @Nullable String reason) {
        return new InvalidConfigurationPropertyValueException(s.property(key), s.text(key), reason);
    }
}
