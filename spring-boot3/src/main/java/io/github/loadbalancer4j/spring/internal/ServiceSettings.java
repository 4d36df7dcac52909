package io.github.loadbalancer4j.spring.internal;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.spring.LoadBalancer4jProperties;
import io.github.loadbalancer4j.spring.LoadBalancer4jProperties.ServiceProperties;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * The settings in force for one service, key by key ({@code strategy}, {@code health-check.interval},
 * ...), each with the property it came from: {@code configs.default}, then the service's
 * {@code base-config}, then {@code instances.<service>}, a later one overriding an earlier one key by
 * key. Knowing where each value came from lets every error name the property the user wrote, and
 * comparing two of them key by key tells a refresh what changed.
 *
 * <p>Public for the loadbalancer4j modules; not API.
 */
public final class ServiceSettings {

    static final String STRATEGY = "strategy";
    static final String CIRCUIT_BREAKER_CONFIG = "circuit-breaker-config";
    static final String HEALTH_CHECK_ENABLED = "health-check.enabled";
    static final String HEALTH_CHECK_PATH = "health-check.path";
    static final String HEALTH_CHECK_INTERVAL = "health-check.interval";
    static final String HEALTH_CHECK_TIMEOUT = "health-check.timeout";
    static final String HEALTH_CHECK_UNHEALTHY_THRESHOLD = "health-check.unhealthy-threshold";
    static final String HEALTH_CHECK_HEALTHY_THRESHOLD = "health-check.healthy-threshold";
    static final String HEALTH_CHECK_JITTER = "health-check.jitter";
    static final String SLOW_START = "slow-start";
    static final String PANIC_THRESHOLD = "panic-threshold";
    static final String MAX_SELECTION_ATTEMPTS = "max-selection-attempts";
    static final String RETRY = "retry";
    static final String RETRY_BUDGET_PERCENT_CAN_RETRY = "retry-budget.percent-can-retry";
    static final String RETRY_BUDGET_MIN_RETRIES_PER_SECOND = "retry-budget.min-retries-per-second";
    static final String RETRY_BUDGET_TTL = "retry-budget.ttl";
    static final String STATIC_INSTANCES = "static-instances";
    static final String DISCOVERY = "discovery";

    private final String service;
    private final String servicePrefix;
    private final Map<String, Setting> settings;

    private ServiceSettings(String service, String servicePrefix, Map<String, Setting> settings) {
        this.service = service;
        this.servicePrefix = servicePrefix;
        this.settings = settings;
    }

    /**
     * Resolves the settings of a configured service.
     *
     * @param properties all properties
     * @param service the key under {@code instances}
     * @return the settings
     * @throws InvalidConfigurationPropertyValueException if its {@code base-config} names no config
     */
    public static ServiceSettings ofInstance(LoadBalancer4jProperties properties, String service) {
        String prefix = LoadBalancer4jProperties.PREFIX + ".instances." + service;
        ServiceProperties own = requireNonNull(properties.getInstances().get(service), service);
        Map<String, Setting> merged = new LinkedHashMap<>();
        addDefault(properties, merged);
        String base = own.getBaseConfig();
        if (base != null) {
            ServiceProperties baseConfig = properties.getConfigs().get(base);
            if (baseConfig == null) {
                throw new InvalidConfigurationPropertyValueException(prefix + ".base-config", base,
                        "no such config (expected: one of " + properties.getConfigs().keySet() + " under "
                                + LoadBalancer4jProperties.PREFIX + ".configs)");
            }
            flatten(baseConfig, LoadBalancer4jProperties.PREFIX + ".configs." + base, merged);
        }
        flatten(own, prefix, merged);
        return new ServiceSettings(service, prefix, merged);
    }

    /**
     * Resolves the settings of a shared config (the default one, then it).
     *
     * @param properties all properties
     * @param config the key under {@code configs}
     * @return the settings
     */
    public static ServiceSettings ofConfig(LoadBalancer4jProperties properties, String config) {
        String prefix = LoadBalancer4jProperties.PREFIX + ".configs." + config;
        Map<String, Setting> merged = new LinkedHashMap<>();
        addDefault(properties, merged);
        ServiceProperties own = properties.getConfigs().get(config);
        if (own != null) {
            flatten(own, prefix, merged);
        }
        return new ServiceSettings(config, prefix, merged);
    }

    /**
     * Resolves the settings of a service that is not configured: {@code configs.default} alone.
     *
     * @param properties all properties
     * @param service the service's name
     * @return the settings
     */
    public static ServiceSettings onDemand(LoadBalancer4jProperties properties, String service) {
        Map<String, Setting> merged = new LinkedHashMap<>();
        addDefault(properties, merged);
        return new ServiceSettings(service, LoadBalancer4jProperties.PREFIX + ".configs." + LoadBalancer4jProperties.DEFAULT_CONFIG,
                merged);
    }

    private static void addDefault(LoadBalancer4jProperties properties, Map<String, Setting> merged) {
        ServiceProperties defaults = properties.getConfigs().get(LoadBalancer4jProperties.DEFAULT_CONFIG);
        if (defaults != null) {
            flatten(defaults, LoadBalancer4jProperties.PREFIX + ".configs." + LoadBalancer4jProperties.DEFAULT_CONFIG, merged);
        }
    }

    private static void flatten(ServiceProperties p, String prefix, Map<String, Setting> into) {
        put(into, prefix, STRATEGY, p.getStrategy());
        put(into, prefix, CIRCUIT_BREAKER_CONFIG, p.getCircuitBreakerConfig());
        LoadBalancer4jProperties.HealthCheck h = p.getHealthCheck();
        if (h != null) {
            put(into, prefix, HEALTH_CHECK_ENABLED, h.getEnabled());
            put(into, prefix, HEALTH_CHECK_PATH, h.getPath());
            put(into, prefix, HEALTH_CHECK_INTERVAL, h.getInterval());
            put(into, prefix, HEALTH_CHECK_TIMEOUT, h.getTimeout());
            put(into, prefix, HEALTH_CHECK_UNHEALTHY_THRESHOLD, h.getUnhealthyThreshold());
            put(into, prefix, HEALTH_CHECK_HEALTHY_THRESHOLD, h.getHealthyThreshold());
            put(into, prefix, HEALTH_CHECK_JITTER, h.getJitter());
        }
        put(into, prefix, SLOW_START, p.getSlowStart());
        put(into, prefix, PANIC_THRESHOLD, p.getPanicThreshold());
        put(into, prefix, MAX_SELECTION_ATTEMPTS, p.getMaxSelectionAttempts());
        put(into, prefix, RETRY, p.getRetry());
        LoadBalancer4jProperties.RetryBudget b = p.getRetryBudget();
        if (b != null) {
            put(into, prefix, RETRY_BUDGET_PERCENT_CAN_RETRY, b.getPercentCanRetry());
            put(into, prefix, RETRY_BUDGET_MIN_RETRIES_PER_SECOND, b.getMinRetriesPerSecond());
            put(into, prefix, RETRY_BUDGET_TTL, b.getTtl());
        }
        List<String> staticInstances = p.getStaticInstances();
        put(into, prefix, STATIC_INSTANCES, staticInstances == null ? null : List.copyOf(staticInstances));
        put(into, prefix, DISCOVERY, p.getDiscovery());
    }

    private static void put(Map<String, Setting> into, String prefix, String key, @Nullable Object value) {
        if (value != null) {
            into.put(key, new Setting(value, prefix + "." + key));
        }
    }

    /** @return the service's (or config's) name */
    public String service() {
        return service;
    }

    /** @return {@code loadbalancer4j.instances.<service>} (or {@code .configs.<name>}) */
    public String prefix() {
        return servicePrefix;
    }

    /**
     * @param key a key such as {@code strategy}
     * @return whether the key is set in any layer
     */
    public boolean has(String key) {
        return settings.containsKey(key);
    }

    /**
     * @param key a key
     * @param type its type
     * @param <T> its type
     * @return the value in force, or null when no layer sets it
     */
    public <T> @Nullable T get(String key, Class<T> type) {
        Setting s = settings.get(key);
        return s == null ? null : type.cast(s.value);
    }

    /**
     * @param key a key
     * @return the full name of the property that set it ({@code loadbalancer4j.configs.default.strategy}),
     *     or the name it would have on the service when no layer sets it
     */
    public String property(String key) {
        Setting s = settings.get(key);
        return s == null ? servicePrefix + "." + key : s.property;
    }

    /**
     * @param key a key
     * @return the value in force as the user would write it ({@code 10s} for a duration), for messages
     */
    public String text(String key) {
        Setting s = settings.get(key);
        if (s == null) {
            return "(unset)";
        }
        return s.value instanceof Duration ? Durations.text((Duration) s.value) : String.valueOf(s.value);
    }

    /** @return whether any health-check key is set in any layer */
    public boolean hasAnyHealthCheckKey() {
        return settings.keySet().stream().anyMatch(k -> k.startsWith("health-check."));
    }

    /**
     * @param other the settings before
     * @return the keys whose value differs, in a stable order
     */
    public Set<String> changedFrom(ServiceSettings other) {
        Set<String> keys = new LinkedHashSet<>(other.settings.keySet());
        keys.addAll(settings.keySet());
        keys.removeIf(k -> Objects.equals(value(other, k), value(this, k)));
        return keys;
    }

    private static @Nullable Object value(ServiceSettings s, String key) {
        Setting setting = s.settings.get(key);
        return setting == null ? null : setting.value;
    }

    @Override
    public String toString() {
        return servicePrefix + settings.values();
    }

    /** One value, and the property it came from. */
    private static final class Setting {
        final Object value;
        final String property;

        Setting(Object value, String property) {
            this.value = value;
            this.property = property;
        }

        @Override
        public String toString() {
            return property + "=" + value;
        }
    }

    /** Durations as a YAML file writes them. */
    static final class Durations {
        private Durations() {
        }

        static String text(Duration d) {
            if (d.isZero()) {
                return "0s";
            }
            if (d.toMillis() % 1000 == 0 && d.getNano() % 1_000_000 == 0) {
                return d.toSeconds() + "s";
            }
            if (d.getNano() % 1_000_000 == 0) {
                return d.toMillis() + "ms";
            }
            return d.toString();
        }
    }
}
