package io.github.loadbalancer4j.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code loadbalancer4j.*} properties: shared configs ({@code configs.<name>}, {@code default}
 * applying to every service) and one entry per service ({@code instances.<service>}), in the shape of
 * resilience4j's Spring Boot properties. A key a service leaves unset is taken from its
 * {@code base-config}, then from {@code configs.default}, then from the library's default.
 * <pre>{@code
 * loadbalancer4j:
 *   configs:
 *     default:
 *       strategy: peak-ewma
 *   instances:
 *     orders:
 *       strategy: least-requests
 *       static-instances: [ "http://10.0.1.10:8080", "http://10.0.1.11:8080" ]
 * }</pre>
 * Values are checked when the application starts: a bad one fails the startup with a message that
 * names the key and the value.
 */
@ConfigurationProperties(prefix = LoadBalancer4jProperties.PREFIX)
public class LoadBalancer4jProperties {

    /** The prefix of every key. */
    public static final String PREFIX = "loadbalancer4j";

    /** The name of the config every service starts from. */
    public static final String DEFAULT_CONFIG = "default";

    /** Shared settings by name; {@code default} applies to every service, others through {@code base-config}. */
    private Map<String, ServiceProperties> configs = new LinkedHashMap<>();

    /** One load balancer per entry, named by the key, the host name that {@code http://<service>/...} routes. */
    private Map<String, ServiceProperties> instances = new LinkedHashMap<>();

    /** How instances are read from Spring Cloud's DiscoveryClient. */
    private Discovery discovery = new Discovery();

    /** How RestClient, RestTemplate and WebClient get the load balancers. */
    private Clients clients = new Clients();

    /** @return shared settings by name */
    public Map<String, ServiceProperties> getConfigs() {
        return configs;
    }

    /** @param configs shared settings by name */
    public void setConfigs(Map<String, ServiceProperties> configs) {
        this.configs = configs;
    }

    /** @return the services, by name */
    public Map<String, ServiceProperties> getInstances() {
        return instances;
    }

    /** @param instances the services, by name */
    public void setInstances(Map<String, ServiceProperties> instances) {
        this.instances = instances;
    }

    /** @return the discovery settings */
    public Discovery getDiscovery() {
        return discovery;
    }

    /** @param discovery the discovery settings */
    public void setDiscovery(Discovery discovery) {
        this.discovery = discovery;
    }

    /** @return the client settings */
    public Clients getClients() {
        return clients;
    }

    /** @param clients the client settings */
    public void setClients(Clients clients) {
        this.clients = clients;
    }

    /**
     * The settings of one service, or of a shared config. Every key is optional: unset keys come from
     * the base config, then from {@code configs.default}, then from the library's defaults.
     */
    public static class ServiceProperties {

        /** A name under {@code configs} whose settings this one starts from. */
        private @Nullable String baseConfig;

        /**
         * The selection strategy: round-robin, weighted-round-robin, random, weighted-random,
         * least-requests, peak-ewma, consistent-hash, or zone-preferring(zone[, inner[, min-fraction]]).
         * Default: peak-ewma. Changed live.
         */
        private @Nullable String strategy;

        /**
         * The name of a config in the application's resilience4j CircuitBreakerRegistry
         * (resilience4j.circuitbreaker.configs.*) that every instance's circuit breaker gets. Default: the
         * library's per-instance config (a window of 20 calls, 50% failures, open from 10 s growing to 300 s).
         */
        private @Nullable String circuitBreakerConfig;

        /** Active health checks; off unless one of these keys is set. */
        private HealthCheck healthCheck = new HealthCheck();

        /** How long a new or recovered instance takes to reach its full share of calls. Default: 0 (off). */
        private @Nullable Duration slowStart;

        /**
         * Below this fraction of available instances, calls go to every known instance instead of
         * failing. From 0.0 (off, the default) to 1.0.
         */
        private @Nullable Double panicThreshold;

        /** How many picks a call makes when it loses races for breaker permissions. Default: 3. */
        private @Nullable Integer maxSelectionAttempts;

        /**
         * The name of a retry in the application's resilience4j RetryRegistry (resilience4j.retry.instances.*
         * or configs.*): with it, RestClient and WebClient calls fail over to instances not yet tried.
         * Default: none (no failover). Changed live.
         */
        private @Nullable String retry;

        /** Caps failover retries. Default: 20% of calls plus 10 a second, over 10 s. Changed live. */
        private RetryBudget retryBudget = new RetryBudget();

        /** A fixed list of instances, as http://host:port or https://host:port. Changed live. */
        private @Nullable List<String> staticInstances;

        /** Whether the instances come from Spring Cloud's DiscoveryClient, the service id being the key. */
        private @Nullable Boolean discovery;

        /** @return the base config's name, or null */
        public @Nullable String getBaseConfig() {
            return baseConfig;
        }

        /** @param baseConfig the base config's name */
        public void setBaseConfig(@Nullable String baseConfig) {
            this.baseConfig = baseConfig;
        }

        /** @return the strategy's name, or null */
        public @Nullable String getStrategy() {
            return strategy;
        }

        /** @param strategy the strategy's name */
        public void setStrategy(@Nullable String strategy) {
            this.strategy = strategy;
        }

        /** @return the circuit breaker config's name, or null */
        public @Nullable String getCircuitBreakerConfig() {
            return circuitBreakerConfig;
        }

        /** @param circuitBreakerConfig the circuit breaker config's name */
        public void setCircuitBreakerConfig(@Nullable String circuitBreakerConfig) {
            this.circuitBreakerConfig = circuitBreakerConfig;
        }

        /** @return the health check settings */
        public HealthCheck getHealthCheck() {
            return healthCheck;
        }

        /** @param healthCheck the health check settings */
        public void setHealthCheck(HealthCheck healthCheck) {
            this.healthCheck = healthCheck;
        }

        /** @return the slow-start window, or null */
        public @Nullable Duration getSlowStart() {
            return slowStart;
        }

        /** @param slowStart the slow-start window */
        public void setSlowStart(@Nullable Duration slowStart) {
            this.slowStart = slowStart;
        }

        /** @return the panic threshold, or null */
        public @Nullable Double getPanicThreshold() {
            return panicThreshold;
        }

        /** @param panicThreshold the panic threshold */
        public void setPanicThreshold(@Nullable Double panicThreshold) {
            this.panicThreshold = panicThreshold;
        }

        /** @return the maximum selection attempts, or null */
        public @Nullable Integer getMaxSelectionAttempts() {
            return maxSelectionAttempts;
        }

        /** @param maxSelectionAttempts the maximum selection attempts */
        public void setMaxSelectionAttempts(@Nullable Integer maxSelectionAttempts) {
            this.maxSelectionAttempts = maxSelectionAttempts;
        }

        /** @return the retry's name, or null */
        public @Nullable String getRetry() {
            return retry;
        }

        /** @param retry the retry's name */
        public void setRetry(@Nullable String retry) {
            this.retry = retry;
        }

        /** @return the retry budget settings */
        public RetryBudget getRetryBudget() {
            return retryBudget;
        }

        /** @param retryBudget the retry budget settings */
        public void setRetryBudget(RetryBudget retryBudget) {
            this.retryBudget = retryBudget;
        }

        /** @return the static instances, or null */
        public @Nullable List<String> getStaticInstances() {
            return staticInstances;
        }

        /** @param staticInstances the static instances */
        public void setStaticInstances(@Nullable List<String> staticInstances) {
            this.staticInstances = staticInstances == null ? null : new ArrayList<>(staticInstances);
        }

        /** @return whether instances come from discovery, or null */
        public @Nullable Boolean getDiscovery() {
            return discovery;
        }

        /** @param discovery whether instances come from discovery */
        public void setDiscovery(@Nullable Boolean discovery) {
            this.discovery = discovery;
        }
    }

    /**
     * Active health checks: HTTP GET of {@code path} when loadbalancer4j-okhttp is on the class path
     * (2xx is healthy), a TCP connect when no path is set.
     */
    public static class HealthCheck {

        /** Whether to check; true as soon as another health-check key is set. */
        private @Nullable Boolean enabled;

        /** The path to GET, such as /health; unset for TCP-connect checks. */
        private @Nullable String path;

        /** Time between two checks of one instance, at least 100 ms. Default: 5s. */
        private @Nullable Duration interval;

        /** How long one check may take, shorter than the interval. Default: 2s. */
        private @Nullable Duration timeout;

        /** Consecutive failed checks that make an instance unhealthy. Default: 3. */
        private @Nullable Integer unhealthyThreshold;

        /** Consecutive passed checks that make an unhealthy instance healthy. Default: 2. */
        private @Nullable Integer healthyThreshold;

        /** Fraction of the interval by which each wait moves either way, 0.0 to below 1.0. Default: 0.1. */
        private @Nullable Double jitter;

        /** @return whether to check, or null */
        public @Nullable Boolean getEnabled() {
            return enabled;
        }

        /** @param enabled whether to check */
        public void setEnabled(@Nullable Boolean enabled) {
            this.enabled = enabled;
        }

        /** @return the path, or null */
        public @Nullable String getPath() {
            return path;
        }

        /** @param path the path */
        public void setPath(@Nullable String path) {
            this.path = path;
        }

        /** @return the interval, or null */
        public @Nullable Duration getInterval() {
            return interval;
        }

        /** @param interval the interval */
        public void setInterval(@Nullable Duration interval) {
            this.interval = interval;
        }

        /** @return the timeout, or null */
        public @Nullable Duration getTimeout() {
            return timeout;
        }

        /** @param timeout the timeout */
        public void setTimeout(@Nullable Duration timeout) {
            this.timeout = timeout;
        }

        /** @return the unhealthy threshold, or null */
        public @Nullable Integer getUnhealthyThreshold() {
            return unhealthyThreshold;
        }

        /** @param unhealthyThreshold the unhealthy threshold */
        public void setUnhealthyThreshold(@Nullable Integer unhealthyThreshold) {
            this.unhealthyThreshold = unhealthyThreshold;
        }

        /** @return the healthy threshold, or null */
        public @Nullable Integer getHealthyThreshold() {
            return healthyThreshold;
        }

        /** @param healthyThreshold the healthy threshold */
        public void setHealthyThreshold(@Nullable Integer healthyThreshold) {
            this.healthyThreshold = healthyThreshold;
        }

        /** @return the jitter, or null */
        public @Nullable Double getJitter() {
            return jitter;
        }

        /** @param jitter the jitter */
        public void setJitter(@Nullable Double jitter) {
            this.jitter = jitter;
        }
    }

    /** A retry budget (Finagle's): retries at most a share of calls plus a floor, over a window. */
    public static class RetryBudget {

        /** Share of calls that may be retried, 0.0 to 1.0. Default: 0.2. */
        private @Nullable Double percentCanRetry;

        /** Retries a second allowed however few calls there are. Default: 10. */
        private @Nullable Integer minRetriesPerSecond;

        /** How long a call or a retry is remembered. Default: 10s. */
        private @Nullable Duration ttl;

        /** @return the share of calls that may be retried, or null */
        public @Nullable Double getPercentCanRetry() {
            return percentCanRetry;
        }

        /** @param percentCanRetry the share of calls that may be retried */
        public void setPercentCanRetry(@Nullable Double percentCanRetry) {
            this.percentCanRetry = percentCanRetry;
        }

        /** @return the floor of retries a second, or null */
        public @Nullable Integer getMinRetriesPerSecond() {
            return minRetriesPerSecond;
        }

        /** @param minRetriesPerSecond the floor of retries a second */
        public void setMinRetriesPerSecond(@Nullable Integer minRetriesPerSecond) {
            this.minRetriesPerSecond = minRetriesPerSecond;
        }

        /** @return the window, or null */
        public @Nullable Duration getTtl() {
            return ttl;
        }

        /** @param ttl the window */
        public void setTtl(@Nullable Duration ttl) {
            this.ttl = ttl;
        }
    }

    /** How instances are read from Spring Cloud's DiscoveryClient. */
    public static class Discovery {

        /** How often each service's instances are read again; a HeartbeatEvent also triggers a read. */
        private Duration refreshInterval = DiscoveryClientInstanceSource.DEFAULT_REFRESH_INTERVAL;

        /** Metadata keys read for an instance's weight, first found wins (Spring Cloud's, then Nacos'). */
        private List<String> weightKeys = new ArrayList<>(DiscoveryClientInstanceSource.DEFAULT_WEIGHT_KEYS);

        /** Metadata keys read for an instance's zone, first found wins (Eureka's and Consul's, then Nacos' cluster). */
        private List<String> zoneKeys = new ArrayList<>(DiscoveryClientInstanceSource.DEFAULT_ZONE_KEYS);

        /**
         * Whether a service that is not configured gets a load balancer (with configs.default) when a
         * request names it and the DiscoveryClient knows it. Applies when configs.default sets
         * discovery: true.
         */
        private boolean onDemand = true;

        /** @return the refresh interval */
        public Duration getRefreshInterval() {
            return refreshInterval;
        }

        /** @param refreshInterval the refresh interval */
        public void setRefreshInterval(Duration refreshInterval) {
            this.refreshInterval = refreshInterval;
        }

        /** @return the weight keys */
        public List<String> getWeightKeys() {
            return weightKeys;
        }

        /** @param weightKeys the weight keys */
        public void setWeightKeys(List<String> weightKeys) {
            this.weightKeys = new ArrayList<>(weightKeys);
        }

        /** @return the zone keys */
        public List<String> getZoneKeys() {
            return zoneKeys;
        }

        /** @param zoneKeys the zone keys */
        public void setZoneKeys(List<String> zoneKeys) {
            this.zoneKeys = new ArrayList<>(zoneKeys);
        }

        /** @return whether unconfigured services get load balancers on demand */
        public boolean isOnDemand() {
            return onDemand;
        }

        /** @param onDemand whether unconfigured services get load balancers on demand */
        public void setOnDemand(boolean onDemand) {
            this.onDemand = onDemand;
        }
    }

    /** How RestClient, RestTemplate and WebClient get the load balancers. */
    public static class Clients {

        /**
         * Whether the RestClient.Builder, RestTemplateBuilder and WebClient.Builder that Spring Boot
         * provides get the load-balancing interceptor and filter (they route only the configured
         * services' host names and leave every other request untouched).
         */
        private boolean customizeBuilders = true;

        /** @return whether Spring Boot's client builders are customized */
        public boolean isCustomizeBuilders() {
            return customizeBuilders;
        }

        /** @param customizeBuilders whether Spring Boot's client builders are customized */
        public void setCustomizeBuilders(boolean customizeBuilders) {
            this.customizeBuilders = customizeBuilders;
        }
    }
}
