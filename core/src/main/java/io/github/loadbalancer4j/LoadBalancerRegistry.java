package io.github.loadbalancer4j;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.internal.InMemoryLoadBalancerRegistry;
import io.github.resilience4j.core.ConfigurationNotFoundException;
import io.github.resilience4j.core.Registry;
import io.github.resilience4j.core.registry.RegistryEventConsumer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Creates and holds {@link LoadBalancer}s by name, in the shape of resilience4j's
 * {@code CircuitBreakerRegistry}: named configs with a {@code "default"} one, registry events
 * (entry added, removed, replaced) and registry tags.
 * <pre>{@code
 * LoadBalancerRegistry registry = LoadBalancerRegistry.custom()
 *         .withLoadBalancerConfig(LoadBalancerConfig.ofDefaults())
 *         .addLoadBalancerConfig("sticky", LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.consistentHash()).build())
 *         .build();
 * LoadBalancer orders = registry.loadBalancer("orders", InstanceSource.ofUris("http://10.0.1.10:8080", "http://10.0.1.11:8080"));
 * LoadBalancer carts = registry.loadBalancer("carts", () -> InstanceSource.ofUris("http://10.0.2.10:8080"), "sticky");
 * }</pre>
 *
 * <p>Like resilience4j, {@code loadBalancer(name, ...)} returns the load balancer already registered
 * under that name if there is one, and then ignores the source and config it was given. The
 * {@link Supplier} variants create the source only when a new load balancer is created, so a source
 * with threads or connections (DNS, ZooKeeper) is not started for nothing.
 *
 * <p><b>Ownership.</b> The registry owns the load balancers it holds: a load balancer that leaves the
 * registry, through {@link #remove(String)} or {@link #replace(String, LoadBalancer)}, is
 * {@linkplain LoadBalancer#close() closed} (it unsubscribes from its source and removes its
 * per-instance circuit breakers from their registry), so nothing leaks. The {@link InstanceSource}s
 * stay the caller's: the registry never closes a source, since one source may feed several load
 * balancers.
 */
public interface LoadBalancerRegistry extends Registry<LoadBalancer, LoadBalancerConfig> {

    /** The name of the config used when none is named. */
    String DEFAULT_CONFIG_NAME = "default";

    /** @return a registry whose default config is {@link LoadBalancerConfig#ofDefaults()} */
    static LoadBalancerRegistry ofDefaults() {
        return of(LoadBalancerConfig.ofDefaults());
    }

    /**
     * Creates a registry with a default config.
     *
     * @param defaultConfig the config of load balancers created without a config or config name
     * @return the registry
     */
    static LoadBalancerRegistry of(LoadBalancerConfig defaultConfig) {
        return custom().withLoadBalancerConfig(defaultConfig).build();
    }

    /**
     * Creates a registry with a default config and a consumer of its registry events.
     *
     * @param defaultConfig the default config
     * @param registryEventConsumer told of entries added, removed and replaced
     * @return the registry
     */
    static LoadBalancerRegistry of(LoadBalancerConfig defaultConfig, RegistryEventConsumer<LoadBalancer> registryEventConsumer) {
        return custom().withLoadBalancerConfig(defaultConfig).addRegistryEventConsumer(registryEventConsumer).build();
    }

    /**
     * Creates a registry with named configs. The entry named {@code "default"}, if present, is the
     * default config; otherwise the default is {@link LoadBalancerConfig#ofDefaults()}.
     *
     * @param configs configs by name
     * @return the registry
     */
    static LoadBalancerRegistry of(Map<String, LoadBalancerConfig> configs) {
        return of(configs, Map.of());
    }

    /**
     * Creates a registry with named configs and registry tags.
     *
     * @param configs configs by name; {@code "default"}, if present, is the default config
     * @param tags the registry's tags (see {@link #getTags()})
     * @return the registry
     */
    static LoadBalancerRegistry of(Map<String, LoadBalancerConfig> configs, Map<String, String> tags) {
        requireNonNull(configs, "configs");
        Builder builder = custom().withTags(tags);
        configs.forEach((configName, config) -> {
            if (DEFAULT_CONFIG_NAME.equals(configName)) {
                builder.withLoadBalancerConfig(config);
            } else {
                builder.addLoadBalancerConfig(configName, config);
            }
        });
        return builder.build();
    }

    /** @return a builder for a registry */
    static Builder custom() {
        return new Builder();
    }

    /**
     * Returns the load balancer registered under a name, creating it with the default config if
     * there is none. If one exists, {@code source} is ignored.
     *
     * @param name the load balancer's name
     * @param source where the instances come from
     * @return the registered load balancer
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is blank
     */
    LoadBalancer loadBalancer(String name, InstanceSource source);

    /**
     * Returns the load balancer registered under a name, creating it with a named config if there
     * is none. If one exists, {@code source} and {@code configName} are ignored (the name is still
     * checked).
     *
     * @param name the load balancer's name
     * @param source where the instances come from
     * @param configName the name of a config of this registry
     * @return the registered load balancer
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is blank
     * @throws ConfigurationNotFoundException if the registry has no config of that name
     */
    LoadBalancer loadBalancer(String name, InstanceSource source, String configName);

    /**
     * Returns the load balancer registered under a name, creating it with the given config if there
     * is none. If one exists, {@code source} and {@code config} are ignored.
     *
     * @param name the load balancer's name
     * @param source where the instances come from
     * @param config the config for a new load balancer
     * @return the registered load balancer
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is blank
     */
    LoadBalancer loadBalancer(String name, InstanceSource source, LoadBalancerConfig config);

    /**
     * Returns the load balancer registered under a name, creating it (and calling
     * {@code sourceSupplier} for its source) with the default config if there is none.
     *
     * @param name the load balancer's name
     * @param sourceSupplier creates the source; called only when a load balancer is created
     * @return the registered load balancer
     * @throws NullPointerException if an argument is null or the supplier returns null
     * @throws IllegalArgumentException if the name is blank
     */
    LoadBalancer loadBalancer(String name, Supplier<? extends InstanceSource> sourceSupplier);

    /**
     * Returns the load balancer registered under a name, creating it (and calling
     * {@code sourceSupplier} for its source) with a named config if there is none.
     *
     * @param name the load balancer's name
     * @param sourceSupplier creates the source; called only when a load balancer is created
     * @param configName the name of a config of this registry
     * @return the registered load balancer
     * @throws NullPointerException if an argument is null or the supplier returns null
     * @throws IllegalArgumentException if the name is blank
     * @throws ConfigurationNotFoundException if the registry has no config of that name
     */
    LoadBalancer loadBalancer(String name, Supplier<? extends InstanceSource> sourceSupplier, String configName);

    /** @return the registered load balancers, a snapshot */
    Set<LoadBalancer> getAllLoadBalancers();

    /**
     * Finds a registered load balancer.
     *
     * @param name the name
     * @return the load balancer, or empty if none is registered under that name
     */
    @Override
    Optional<LoadBalancer> find(String name);

    /**
     * Removes a load balancer from the registry, closes it, and publishes an entry-removed event.
     * Its source is not closed.
     *
     * @param name the name
     * @return the removed (now closed) load balancer, or empty if none was registered
     */
    @Override
    Optional<LoadBalancer> remove(String name);

    /**
     * Puts another load balancer of the same name in place of the registered one, closes the one
     * it replaces, and publishes an entry-replaced event. Does nothing if the name is not
     * registered.
     *
     * @param name the name
     * @param newLoadBalancer the load balancer to register; its name must be {@code name}
     * @return the replaced (now closed) load balancer, or empty if none was registered
     * @throws IllegalArgumentException if {@code newLoadBalancer} has another name
     */
    @Override
    Optional<LoadBalancer> replace(String name, LoadBalancer newLoadBalancer);

    /** Builds a {@link LoadBalancerRegistry}. */
    final class Builder {
        private LoadBalancerConfig defaultConfig = LoadBalancerConfig.ofDefaults();
        private final Map<String, LoadBalancerConfig> configs = new LinkedHashMap<>();
        private final List<RegistryEventConsumer<LoadBalancer>> consumers = new ArrayList<>();
        private Map<String, String> tags = Map.of();

        private Builder() {
        }

        /**
         * Sets the default config (registered as {@code "default"}).
         *
         * @param config the config
         * @return this builder
         */
        public Builder withLoadBalancerConfig(LoadBalancerConfig config) {
            this.defaultConfig = requireNonNull(config, "config");
            return this;
        }

        /**
         * Adds a named config.
         *
         * @param configName the name, not blank and not {@code "default"}
         * @param config the config
         * @return this builder
         * @throws IllegalArgumentException if the name is blank or {@code "default"}
         */
        public Builder addLoadBalancerConfig(String configName, LoadBalancerConfig config) {
            InMemoryLoadBalancerRegistry.checkConfigName(configName);
            configs.put(configName, requireNonNull(config, "config"));
            return this;
        }

        /**
         * Adds a consumer of the registry's events (entry added, removed, replaced).
         *
         * @param consumer the consumer
         * @return this builder
         */
        public Builder addRegistryEventConsumer(RegistryEventConsumer<LoadBalancer> consumer) {
            consumers.add(requireNonNull(consumer, "registryEventConsumer"));
            return this;
        }

        /**
         * Sets the registry's tags (for example the application's name), returned by
         * {@link LoadBalancerRegistry#getTags()}.
         *
         * @param tags the tags
         * @return this builder
         */
        public Builder withTags(Map<String, String> tags) {
            requireNonNull(tags, "tags");
            tags.forEach((key, value) -> {
                requireNonNull(key, "tags: a null key");
                requireNonNull(value, "tags: the value of '" + key + "'");
            });
            this.tags = Map.copyOf(tags);
            return this;
        }

        /** @return the registry */
        public LoadBalancerRegistry build() {
            return new InMemoryLoadBalancerRegistry(defaultConfig, configs, consumers, tags);
        }
    }
}
