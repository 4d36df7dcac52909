package io.github.loadbalancer4j.internal;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.LoadBalancerRegistry;
import io.github.resilience4j.core.ConfigurationNotFoundException;
import io.github.resilience4j.core.registry.AbstractRegistry;
import io.github.resilience4j.core.registry.RegistryEventConsumer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The {@link LoadBalancerRegistry}, on resilience4j-core's {@link AbstractRegistry}: entries live in
 * its store, creation goes through its {@code computeIfAbsent} (so a name is created once, and an
 * entry-added event is published once), and its event processor publishes the registry events.
 * Public only so that {@link LoadBalancerRegistry} can create it; not API.
 */
public final class InMemoryLoadBalancerRegistry extends AbstractRegistry<LoadBalancer, LoadBalancerConfig>
        implements LoadBalancerRegistry {

    /**
     * Creates a registry.
     *
     * @param defaultConfig the {@code "default"} config
     * @param configs other configs by name
     * @param consumers consumers of registry events
     * @param tags the registry's tags
     */
    public InMemoryLoadBalancerRegistry(LoadBalancerConfig defaultConfig, Map<String, LoadBalancerConfig> configs,
            List<RegistryEventConsumer<LoadBalancer>> consumers, Map<String, String> tags) {
        super(requireNonNull(defaultConfig, "defaultConfig"), List.copyOf(consumers), Map.copyOf(tags));
        configs.forEach(this::addConfiguration);
    }

    /**
     * Checks a config name given to {@code addConfiguration}.
     *
     * @param configName the name
     * @throws IllegalArgumentException if blank or {@code "default"}
     */
    public static void checkConfigName(String configName) {
        requireNonNull(configName, "configName");
        if (configName.isBlank()) {
            throw new IllegalArgumentException("configName: '" + configName + "' (expected: a non-blank name)");
        }
        if (DEFAULT_CONFIG_NAME.equals(configName)) {
            throw new IllegalArgumentException("configName: 'default' (expected: another name; the default config is "
                    + "set with withLoadBalancerConfig or LoadBalancerRegistry.of(config))");
        }
    }

    // ---------------------------------------------------------------- creating

    @Override
    public LoadBalancer loadBalancer(String name, InstanceSource source) {
        return loadBalancer(name, source, getDefaultConfig());
    }

    @Override
    public LoadBalancer loadBalancer(String name, InstanceSource source, String configName) {
        checkName(name);
        requireNonNull(source, "source");
        LoadBalancerConfig config = namedConfig(configName);
        return computeIfAbsent(name, () -> LoadBalancer.of(name, source, config));
    }

    @Override
    public LoadBalancer loadBalancer(String name, InstanceSource source, LoadBalancerConfig config) {
        checkName(name);
        requireNonNull(source, "source");
        requireNonNull(config, "config");
        return computeIfAbsent(name, () -> LoadBalancer.of(name, source, config));
    }

    @Override
    public LoadBalancer loadBalancer(String name, Supplier<? extends InstanceSource> sourceSupplier) {
        return loadBalancer(name, sourceSupplier, DEFAULT_CONFIG_NAME);
    }

    @Override
    public LoadBalancer loadBalancer(String name, Supplier<? extends InstanceSource> sourceSupplier, String configName) {
        checkName(name);
        requireNonNull(sourceSupplier, "sourceSupplier");
        LoadBalancerConfig config = namedConfig(configName);
        return computeIfAbsent(name, () -> {
            InstanceSource source = sourceSupplier.get();
            if (source == null) {
                throw new NullPointerException("sourceSupplier returned null for load balancer '" + name
                        + "' (expected: an InstanceSource)");
            }
            return LoadBalancer.of(name, source, config);
        });
    }

    private LoadBalancerConfig namedConfig(String configName) {
        requireNonNull(configName, "configName");
        LoadBalancerConfig config = configurations.get(configName);
        if (config == null) {
            throw new UnknownConfigurationException(configName, new TreeSet<>(configurations.keySet()));
        }
        return config;
    }

    private static void checkName(String name) {
        requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name: '" + name + "' (expected: a non-blank name)");
        }
    }

    // ---------------------------------------------------------------- entries

    @Override
    public Set<LoadBalancer> getAllLoadBalancers() {
        return Set.copyOf(entryMap.values());
    }

    @Override
    public Optional<LoadBalancer> find(String name) {
        return super.find(requireNonNull(name, "name"));
    }

    @Override
    public Optional<LoadBalancer> remove(String name) {
        Optional<LoadBalancer> removed = super.remove(requireNonNull(name, "name"));
        // After the entry-removed event, so its consumers still see the load balancer as it was.
        removed.ifPresent(LoadBalancer::close);
        return removed;
    }

    @Override
    public Optional<LoadBalancer> replace(String name, LoadBalancer newLoadBalancer) {
        requireNonNull(name, "name");
        requireNonNull(newLoadBalancer, "newLoadBalancer");
        if (!name.equals(newLoadBalancer.getName())) {
            throw new IllegalArgumentException("newLoadBalancer: '" + newLoadBalancer.getName()
                    + "' (expected: a load balancer named '" + name + "')");
        }
        Optional<LoadBalancer> replaced = super.replace(name, newLoadBalancer);
        replaced.filter(old -> old != newLoadBalancer).ifPresent(LoadBalancer::close);
        return replaced;
    }

    // ---------------------------------------------------------------- configs

    @Override
    public void addConfiguration(String configName, LoadBalancerConfig configuration) {
        checkConfigName(configName);
        super.addConfiguration(configName, requireNonNull(configuration, "configuration"));
    }

    @Override
    public Optional<LoadBalancerConfig> getConfiguration(String configName) {
        return super.getConfiguration(requireNonNull(configName, "configName"));
    }

    @Override
    public LoadBalancerConfig removeConfiguration(String configName) {
        return super.removeConfiguration(requireNonNull(configName, "configName"));
    }

    @Override
    public String toString() {
        return "LoadBalancerRegistry" + new TreeSet<>(entryMap.values().stream().map(LoadBalancer::getName).toList())
                + " configs=" + new TreeSet<>(configurations.keySet());
    }

    /**
     * resilience4j's exception for an unknown config name (so code that catches it keeps working),
     * with a message that also says which names the registry has.
     */
    private static final class UnknownConfigurationException extends ConfigurationNotFoundException {
        private static final long serialVersionUID = 1L;

        private final String message;

        UnknownConfigurationException(String configName, Set<String> known) {
            super(configName);
            this.message = "configName: '" + configName + "' (expected: one of the registry's configs " + known + ")";
        }

        @Override
        public String getMessage() {
            return message;
        }
    }
}
