package io.github.loadbalancer4j.spring;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.LoadBalancerRegistry;
import io.github.loadbalancer4j.spring.internal.ConfiguredRoutes;
import io.github.loadbalancer4j.spring.internal.LiveChanges;
import io.github.loadbalancer4j.spring.internal.OnDemandServices;
import io.github.loadbalancer4j.spring.internal.ServiceEntry;
import io.github.loadbalancer4j.spring.internal.ServiceFactory;
import io.github.loadbalancer4j.spring.internal.ServiceSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The load balancers the {@code loadbalancer4j.*} properties describe, one per service under
 * {@code instances}, held in a {@link LoadBalancerRegistry} (the application's
 * {@code LoadBalancerRegistry} bean) together with each service's failover route. The
 * auto-configuration makes it; applications inject it, or the registry, to reach a load balancer:
 * <pre>{@code
 * LoadBalancer orders = configuredLoadBalancers.loadBalancer("orders").orElseThrow();
 * }</pre>
 *
 * <p>Every configured service gets its load balancer when the application starts (once every bean
 * exists), so a bad value fails the start naming the property. A service that no property names gets one on demand, the
 * first time a request names it, when {@code configs.default} sets {@code discovery: true} and the
 * DiscoveryClient lists it ({@code loadbalancer4j.discovery.on-demand}, on by default).
 *
 * <p>{@link #reconfigure()} (called on Spring Cloud's {@code EnvironmentChangeEvent}, which
 * {@code /actuator/refresh} publishes) applies changed properties to the running load balancers: a new
 * {@code strategy} through {@link LoadBalancer#changeStrategy}, keeping calls in flight and every
 * instance's breaker and statistics; new {@code static-instances}, {@code retry} and
 * {@code retry-budget.*} at once; a changed key that is part of a load balancer's immutable config is
 * logged as taking effect at the next start. A new service is added; a removed one keeps running until
 * the application stops. A bad value in a refresh is logged and the service keeps its settings.
 */
public final class ConfiguredLoadBalancers implements LoadBalancerRoutes, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConfiguredLoadBalancers.class);

    private final LoadBalancerRegistry registry;
    private final ServiceFactory factory;
    private final Supplier<LoadBalancer4jProperties> rebind;
    private final @Nullable OnDemandServices onDemand;
    private final Map<String, ServiceEntry> entries = new ConcurrentHashMap<>();
    private final List<BiConsumer<String, LoadBalancerRoute>> routeListeners = new CopyOnWriteArrayList<>();
    private final Object writeLock = new Object();
    private volatile LoadBalancer4jProperties properties;
    private volatile boolean closed;

    /**
     * Makes the registry; {@link #start()} makes the configured services' load balancers.
     *
     * @param properties the bound properties
     * @param factory makes configs, sources, retries and budgets from the application's beans
     * @param rebind binds the properties again from the environment, for {@link #reconfigure()}
     * @param onDemand tells whether an unconfigured host is a discovered service, or null when none is
     */
    ConfiguredLoadBalancers(LoadBalancer4jProperties properties, ServiceFactory factory,
            Supplier<LoadBalancer4jProperties> rebind, @Nullable OnDemandServices onDemand) {
        this.properties = requireNonNull(properties, "properties");
        this.factory = requireNonNull(factory, "factory");
        this.rebind = requireNonNull(rebind, "rebind");
        this.onDemand = onDemand;
        this.registry = registryOf(properties, factory);
    }

    /**
     * Makes a load balancer for every configured service. Called once every singleton of the application
     * exists (not while this bean is made): a discovery source reads the DiscoveryClient at once, and
     * the DiscoveryClient's own HTTP client (Eureka's) may be built from builders this module customizes.
     *
     * @throws RuntimeException naming the property and the value, when one is bad; then nothing is left running
     */
    void start() {
        synchronized (writeLock) {
            try {
                for (String service : properties.getInstances().keySet()) {
                    if (!entries.containsKey(service)) {
                        create(service, ServiceSettings.ofInstance(properties, service), false);
                    }
                }
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }
    }

    /** A registry whose named configs are {@code configs.*}, each over {@code configs.default}. */
    private static LoadBalancerRegistry registryOf(LoadBalancer4jProperties properties, ServiceFactory factory) {
        Map<String, LoadBalancerConfig> configs = new LinkedHashMap<>();
        configs.put(LoadBalancerRegistry.DEFAULT_CONFIG_NAME,
                factory.config(ServiceSettings.ofConfig(properties, LoadBalancer4jProperties.DEFAULT_CONFIG)));
        for (String name : properties.getConfigs().keySet()) {
            configs.put(name, factory.config(ServiceSettings.ofConfig(properties, name)));
        }
        return LoadBalancerRegistry.of(configs);
    }

    private ServiceEntry create(String service, ServiceSettings settings, boolean onDemand) {
        LoadBalancerConfig config = factory.config(settings);
        factory.retry(settings); // checked before a source starts
        factory.retryBudget(settings);
        InstanceSource source = factory.source(settings);
        ServiceEntry entry;
        try {
            LoadBalancer lb = registry.loadBalancer(service, source, config);
            entry = new ServiceEntry(lb, source, onDemand, settings, ConfiguredRoutes.route(lb, settings, factory));
        } catch (RuntimeException e) {
            registry.remove(service);
            source.close();
            throw e;
        }
        entries.put(service, entry);
        routeListeners.forEach(listener -> listener.accept(service, entry.route()));
        return entry;
    }

    /**
     * The route of a host: its service's load balancer and failover, making the load balancer on demand
     * when the host is a discovered service (see the class description).
     *
     * @param host a request's host name
     * @return the route, or null when the host is no service
     */
    @Override
    public @Nullable LoadBalancerRoute find(String host) {
        ServiceEntry entry = entries.get(host);
        if (entry == null) {
            entry = entries.get(host.toLowerCase(Locale.ROOT));
        }
        if (entry == null) {
            entry = onDemand(host.toLowerCase(Locale.ROOT));
        }
        return entry == null ? null : entry.route();
    }

    /**
     * Finds a service's load balancer, making it on demand when the service is a discovered one.
     *
     * @param service the service's name
     * @return the load balancer, or empty when no service has that name
     */
    public Optional<LoadBalancer> loadBalancer(String service) {
        return Optional.ofNullable(find(requireNonNull(service, "service"))).map(LoadBalancerRoute::loadBalancer);
    }

    /** @return the registry holding every load balancer made here */
    public LoadBalancerRegistry getRegistry() {
        return registry;
    }

    /** @return the route of every service that has a load balancer now, by service name */
    public Map<String, LoadBalancerRoute> getRoutes() {
        Map<String, LoadBalancerRoute> routes = new LinkedHashMap<>();
        entries.forEach((service, entry) -> routes.put(service, entry.route()));
        return routes;
    }

    /**
     * Calls the listener with every route there is now, and then with each route made or changed
     * (a new service, a refresh that changed {@code retry} or {@code retry-budget.*}).
     *
     * @param listener told the service's name and its route
     */
    public void addRouteListener(BiConsumer<String, LoadBalancerRoute> listener) {
        requireNonNull(listener, "listener");
        synchronized (writeLock) {
            routeListeners.add(listener);
            entries.forEach((service, entry) -> listener.accept(service, entry.route()));
        }
    }

    /** Asks every discovery source for a read of its DiscoveryClient soon (on Spring Cloud's {@code HeartbeatEvent}). */
    public void refreshDiscovery() {
        for (ServiceEntry entry : entries.values()) {
            if (entry.source() instanceof DiscoveryClientInstanceSource) {
                ((DiscoveryClientInstanceSource) entry.source()).refresh();
            }
        }
    }

    /**
     * Binds the {@code loadbalancer4j.*} properties again from the environment and applies what changed
     * (see the class description). Call it after changing a property source yourself; Spring Cloud's
     * refresh calls it for you.
     */
    public void reconfigure() {
        reconfigure(rebind.get());
    }

    /**
     * Applies changed properties to the running load balancers (see the class description).
     *
     * @param next the properties now in force
     */
    public void reconfigure(LoadBalancer4jProperties next) {
        requireNonNull(next, "next");
        synchronized (writeLock) {
            if (closed) {
                return;
            }
            for (String service : next.getInstances().keySet()) {
                try {
                    ServiceSettings settings = ServiceSettings.ofInstance(next, service);
                    factory.config(settings); // checks every value before any is applied
                    ServiceEntry entry = entries.get(service);
                    if (entry == null) {
                        create(service, settings, false);
                        LOG.info("LoadBalancer '{}' added by a configuration change", service);
                    } else {
                        LoadBalancerRoute route = LiveChanges.apply(entry, settings, factory);
                        if (route != null) {
                            routeListeners.forEach(listener -> listener.accept(service, route));
                        }
                    }
                } catch (RuntimeException e) {
                    LOG.error("LoadBalancer '{}' keeps its settings: the changed configuration is invalid: {}", service,
                            e.getMessage());
                }
            }
            entries.forEach((service, entry) -> {
                if (!entry.onDemand() && !next.getInstances().containsKey(service)) {
                    LOG.warn("LoadBalancer '{}' is no longer configured: it keeps running until the application stops", service);
                }
            });
            properties = next;
        }
    }

    private @Nullable ServiceEntry onDemand(String service) {
        LoadBalancer4jProperties p = properties;
        if (onDemand == null || !p.getDiscovery().isOnDemand() || closed) {
            return null;
        }
        ServiceSettings settings = ServiceSettings.onDemand(p, service);
        if (!ServiceFactory.usesDiscovery(settings) || !onDemand.isKnown(service)) {
            return null;
        }
        synchronized (writeLock) {
            ServiceEntry entry = entries.get(service);
            if (entry != null || closed) {
                return entry;
            }
            try {
                entry = create(service, settings, true);
                LOG.info("LoadBalancer '{}' created on demand from {}.configs.default", service, LoadBalancer4jProperties.PREFIX);
                return entry;
            } catch (RuntimeException e) {
                LOG.error("No LoadBalancer for the discovered service '{}': {}", service, e.getMessage());
                return null;
            }
        }
    }

    /**
     * Closes every load balancer made here (through the registry: their breakers leave the breaker
     * registry) and every source it owns (discovery sources end their threads). Closing again does nothing.
     */
    @Override
    public void close() {
        synchronized (writeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        entries.forEach((service, entry) -> {
            registry.remove(service);
            entry.source().close();
        });
        entries.clear();
    }

    @Override
    public String toString() {
        return "ConfiguredLoadBalancers" + entries.keySet();
    }
}
