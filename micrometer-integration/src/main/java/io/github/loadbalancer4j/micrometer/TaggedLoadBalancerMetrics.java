package io.github.loadbalancer4j.micrometer;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerRegistry;
import io.github.loadbalancer4j.micrometer.internal.LoadBalancerMeters;
import io.github.resilience4j.core.Registry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A Micrometer {@link MeterBinder} for load balancers, in the shape of resilience4j's
 * {@code TaggedCircuitBreakerMetrics}: every meter is tagged {@value #TAG_NAME} with the load balancer's
 * name.
 * <pre>{@code
 * TaggedLoadBalancerMetrics.ofLoadBalancerRegistry(loadBalancerRegistry).bindTo(meterRegistry);
 * TaggedLoadBalancerMetrics.ofLoadBalancer(orders).bindTo(meterRegistry);   // or one load balancer
 * }</pre>
 *
 * <p>Per load balancer:
 * <ul>
 *   <li>{@value #INSTANCES} (gauge, tag {@value #TAG_STATE}: {@code available}, {@code circuit_open},
 *       {@code unhealthy}): instances in each state; an instance both unhealthy and circuit open is
 *       counted in both; and {@value #KNOWN_INSTANCES} (gauge): instances in the source's list;</li>
 *   <li>{@value #CALLS} (timer, tag {@value #TAG_KIND}: {@code successful}, {@code failed},
 *       {@code ignored}): calls ended, by how the instance's breaker recorded them;</li>
 *   <li>{@value #SELECTIONS} (counter): instances picked for a call (calls started; a lease released
 *       without a call counts here and not in {@value #CALLS});</li>
 *   <li>{@value #NO_AVAILABLE_INSTANCE_CALLS} (counter): calls that failed with
 *       {@code NoAvailableInstanceException};</li>
 *   <li>{@value #OUTLIER_EJECTIONS} (counter): instances outlier ejection took out (0 while it is
 *       off; each ejection also opens the instance's breaker, which resilience4j's meters show);</li>
 *   <li>{@value #PANIC} (gauge): 1 while panic mode is on, else 0.</li>
 * </ul>
 * Per instance, tagged {@value #TAG_NAME} and {@value #TAG_INSTANCE} (the instance's id), unless
 * {@link LoadBalancerMetricsConfig#isPerInstanceMeters()} is off: {@value #INSTANCE_IN_FLIGHT} (calls in
 * flight), {@value #INSTANCE_LATENCY} (peak-EWMA latency in seconds; a failure counts as at least one
 * second), {@value #INSTANCE_WEIGHT} (effective weight, slow start applied). They follow the instance
 * list: an instance added gets its meters, an instance removed takes them out of the registry.
 *
 * <p>{@value #CALLS} and {@value #SELECTIONS} are counted by the load balancer as calls end, so they
 * exist only for load balancers made by {@code LoadBalancer.of}; an unbound load balancer pays nothing
 * for them. Retries are not here: bind resilience4j-micrometer's {@code TaggedRetryMetrics} to the
 * {@code Retry} given to {@code FailoverRetry}, and {@link TaggedRetryBudgetMetrics} to its retry budget
 * (retries granted, refused, balance). The per-instance
 * circuit breakers live in the user's {@code CircuitBreakerRegistry}, so resilience4j's
 * {@code TaggedCircuitBreakerMetrics} covers them.
 *
 * <p>No meter is registered twice: binding again to the same meter registry, or binding a second
 * binder over a load balancer whose meters the registry already holds, does nothing. Every meter of
 * one name has the same tag keys, as Prometheus requires.
 */
public final class TaggedLoadBalancerMetrics implements MeterBinder {

    /** Tag: the load balancer's name. */
    public static final String TAG_NAME = "name";
    /** Tag: the instance's id, on per-instance meters. */
    public static final String TAG_INSTANCE = "instance";
    /** Tag: an instance state, on {@value #INSTANCES}. */
    public static final String TAG_STATE = "state";
    /** Tag: how a call was recorded, on {@value #CALLS}. */
    public static final String TAG_KIND = "kind";

    /** Gauge: instances by state. */
    public static final String INSTANCES = "loadbalancer4j.instances";
    /** Gauge: instances in the source's current list. */
    public static final String KNOWN_INSTANCES = "loadbalancer4j.instances.known";
    /** Timer: calls ended, by kind. */
    public static final String CALLS = "loadbalancer4j.calls";
    /** Counter: instances picked for a call. */
    public static final String SELECTIONS = "loadbalancer4j.selections";
    /** Counter: calls that found no available instance. */
    public static final String NO_AVAILABLE_INSTANCE_CALLS = "loadbalancer4j.no.available.instance.calls";
    /** Counter: instances outlier ejection took out. */
    public static final String OUTLIER_EJECTIONS = "loadbalancer4j.outlier.ejections";
    /** Gauge: 1 while panic mode is on. */
    public static final String PANIC = "loadbalancer4j.panic";
    /** Gauge: calls in flight on one instance. */
    public static final String INSTANCE_IN_FLIGHT = "loadbalancer4j.instance.in.flight";
    /** Gauge: one instance's peak-EWMA latency, in seconds. */
    public static final String INSTANCE_LATENCY = "loadbalancer4j.instance.latency";
    /** Gauge: one instance's effective weight. */
    public static final String INSTANCE_WEIGHT = "loadbalancer4j.instance.weight";

    private final Supplier<? extends Collection<? extends LoadBalancer>> loadBalancers;
    private final LoadBalancerMetricsConfig config;
    // Guarded by this.
    private final List<Binding> bindings = new ArrayList<>();

    private TaggedLoadBalancerMetrics(Supplier<? extends Collection<? extends LoadBalancer>> loadBalancers,
            LoadBalancerMetricsConfig config) {
        this.loadBalancers = loadBalancers;
        this.config = config;
    }

    /**
     * Creates a binder for one load balancer, with every meter.
     *
     * @param loadBalancer the load balancer
     * @return the binder
     * @throws NullPointerException if the load balancer is null
     */
    public static TaggedLoadBalancerMetrics ofLoadBalancer(LoadBalancer loadBalancer) {
        return ofLoadBalancer(loadBalancer, LoadBalancerMetricsConfig.ofDefaults());
    }

    /**
     * Creates a binder for one load balancer.
     *
     * @param loadBalancer the load balancer
     * @param config which meters to register
     * @return the binder
     * @throws NullPointerException if an argument is null
     */
    public static TaggedLoadBalancerMetrics ofLoadBalancer(LoadBalancer loadBalancer, LoadBalancerMetricsConfig config) {
        requireNonNull(loadBalancer, "loadBalancer");
        List<LoadBalancer> one = List.of(loadBalancer);
        return ofLoadBalancers(() -> one, config);
    }

    /**
     * Creates a binder for the load balancers a supplier gives, read each time the binder is bound
     * (load balancers created later are not followed; {@link #ofLoadBalancerRegistry(LoadBalancerRegistry)}
     * follows them).
     *
     * @param loadBalancers gives the load balancers; their names must differ
     * @return the binder
     * @throws NullPointerException if the supplier is null
     */
    public static TaggedLoadBalancerMetrics ofLoadBalancers(Supplier<? extends Collection<? extends LoadBalancer>> loadBalancers) {
        return ofLoadBalancers(loadBalancers, LoadBalancerMetricsConfig.ofDefaults());
    }

    /**
     * Creates a binder for the load balancers a supplier gives, read each time the binder is bound.
     *
     * @param loadBalancers gives the load balancers; their names must differ
     * @param config which meters to register
     * @return the binder
     * @throws NullPointerException if an argument is null
     */
    public static TaggedLoadBalancerMetrics ofLoadBalancers(Supplier<? extends Collection<? extends LoadBalancer>> loadBalancers,
            LoadBalancerMetricsConfig config) {
        return new TaggedLoadBalancerMetrics(requireNonNull(loadBalancers, "loadBalancers"), requireNonNull(config, "config"));
    }

    /**
     * Creates a binder over a registry of load balancers, with every meter: the load balancers it
     * holds when bound get meters, and so do those added later; a load balancer removed takes its
     * meters with it, a replaced one hands them over to its replacement.
     * <pre>{@code
     * TaggedLoadBalancerMetrics.ofLoadBalancerRegistry(loadBalancerRegistry).bindTo(meterRegistry);
     * }</pre>
     *
     * @param registry the registry
     * @return the binder
     * @throws NullPointerException if the registry is null
     */
    public static TaggedLoadBalancerMetrics ofLoadBalancerRegistry(LoadBalancerRegistry registry) {
        return ofLoadBalancerRegistry(registry, LoadBalancerMetricsConfig.ofDefaults());
    }

    /**
     * Creates a binder over a registry of load balancers; see {@link #ofLoadBalancerRegistry(LoadBalancerRegistry)}.
     *
     * @param registry the registry
     * @param config which meters to register
     * @return the binder
     * @throws NullPointerException if an argument is null
     */
    public static TaggedLoadBalancerMetrics ofLoadBalancerRegistry(LoadBalancerRegistry registry,
            LoadBalancerMetricsConfig config) {
        requireNonNull(registry, "registry");
        return ofRegistry(registry, registry::getAllLoadBalancers, config);
    }

    /**
     * Creates a binder over a resilience4j-style registry of load balancers: the load balancers it
     * holds when the binder is bound get meters, and the registry's entry events (added, removed,
     * replaced) keep the meters in step. What {@link #ofLoadBalancerRegistry(LoadBalancerRegistry)} is
     * made of.
     *
     * @param registry the registry, for its entry events
     * @param loadBalancers the registry's load balancers now
     * @param config which meters to register
     * @return the binder
     */
    private static TaggedLoadBalancerMetrics ofRegistry(Registry<LoadBalancer, ?> registry,
            Supplier<? extends Collection<? extends LoadBalancer>> loadBalancers, LoadBalancerMetricsConfig config) {
        requireNonNull(registry, "registry");
        TaggedLoadBalancerMetrics metrics = ofLoadBalancers(loadBalancers, config);
        registry.getEventPublisher()
                .onEntryAdded(event -> metrics.loadBalancerAdded(event.getAddedEntry()))
                .onEntryRemoved(event -> metrics.loadBalancerRemoved(event.getRemovedEntry()))
                .onEntryReplaced(event -> metrics.loadBalancerReplaced(event.getOldEntry(), event.getNewEntry()));
        return metrics;
    }

    /**
     * Registers the meters of every load balancer in the meter registry and keeps the per-instance
     * meters in step with the instance lists. Binding again to the same registry does nothing.
     *
     * @param registry the meter registry
     * @throws IllegalArgumentException if two load balancers have the same name
     */
    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        requireNonNull(registry, "registry");
        for (Binding binding : bindings) {
            if (binding.registry == registry) {
                return;
            }
        }
        Collection<? extends LoadBalancer> current = requireNonNull(loadBalancers.get(), "the supplied load balancers");
        Set<String> names = new HashSet<>();
        for (LoadBalancer lb : current) {
            if (!names.add(requireNonNull(lb, "a supplied load balancer").getName())) {
                throw new IllegalArgumentException("loadBalancers: two named '" + lb.getName() + "' (expected: distinct names)");
            }
        }
        Binding binding = new Binding(registry);
        bindings.add(binding);
        for (LoadBalancer lb : current) {
            binding.add(lb);
        }
    }

    /**
     * A registry's entry was added: its meters are registered in every bound meter registry.
     */
    private synchronized void loadBalancerAdded(LoadBalancer loadBalancer) {
        for (Binding binding : bindings) {
            binding.add(loadBalancer);
        }
    }

    /** A registry's entry was removed: its meters leave every meter registry. */
    private synchronized void loadBalancerRemoved(LoadBalancer loadBalancer) {
        for (Binding binding : bindings) {
            binding.remove(loadBalancer);
        }
    }

    /** A registry's entry was replaced: the old load balancer's meters make way for the new one's. */
    private synchronized void loadBalancerReplaced(LoadBalancer old, LoadBalancer replacement) {
        for (Binding binding : bindings) {
            binding.remove(old);
            binding.add(replacement);
        }
    }

    @Override
    public String toString() {
        return "TaggedLoadBalancerMetrics{" + config + '}';
    }

    /** The load balancers' meters in one meter registry, by load balancer name. */
    private final class Binding {
        final MeterRegistry registry;
        final Map<String, LoadBalancerMeters> byName = new LinkedHashMap<>();

        Binding(MeterRegistry registry) {
            this.registry = registry;
        }

        void add(LoadBalancer lb) {
            if (byName.containsKey(lb.getName())) {
                return;
            }
            LoadBalancerMeters meters = LoadBalancerMeters.register(lb, registry, config.isPerInstanceMeters());
            if (meters != null) {
                byName.put(lb.getName(), meters);
            }
        }

        void remove(LoadBalancer lb) {
            LoadBalancerMeters meters = byName.get(lb.getName());
            if (meters != null && meters.loadBalancer() == lb) {
                byName.remove(lb.getName());
                meters.remove();
            }
        }
    }
}
