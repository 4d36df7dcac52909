package io.github.loadbalancer4j.spring;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.resilience4j.retry.Retry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The Actuator endpoint {@code loadbalancers}: every load balancer with its strategy, counts and
 * failover, and each instance's circuit breaker state, health, calls in flight and latency
 * ({@code GET /actuator/loadbalancers}, or {@code /actuator/loadbalancers/{name}} for one). Expose it
 * with {@code management.endpoints.web.exposure.include}.
 */
@Endpoint(id = "loadbalancers")
public class LoadBalancersEndpoint {

    private final ConfiguredLoadBalancers loadBalancers;

    /** @param loadBalancers the load balancers to show */
    public LoadBalancersEndpoint(ConfiguredLoadBalancers loadBalancers) {
        this.loadBalancers = requireNonNull(loadBalancers, "loadBalancers");
    }

    /** @return every load balancer, by name */
    @ReadOperation
    public LoadBalancersDescriptor loadBalancers() {
        Map<String, LoadBalancerDescriptor> all = new TreeMap<>();
        Map<String, LoadBalancerRoute> routes = loadBalancers.getRoutes();
        for (LoadBalancer lb : loadBalancers.getRegistry().getAllLoadBalancers()) {
            all.put(lb.getName(), describe(lb, routes.get(lb.getName())));
        }
        return new LoadBalancersDescriptor(all);
    }

    /**
     * @param name a load balancer's name
     * @return that load balancer, or null (a 404) when there is none
     */
    @ReadOperation
    public @Nullable LoadBalancerDescriptor loadBalancer(@Selector String name) {
        return loadBalancers.getRegistry().find(name)
                .map(lb -> describe(lb, loadBalancers.getRoutes().get(name)))
                .orElse(null);
    }

    private static LoadBalancerDescriptor describe(LoadBalancer lb, @Nullable LoadBalancerRoute route) {
        List<InstanceDescriptor> instances = new ArrayList<>();
        for (InstanceStatus s : lb.getInstances()) {
            instances.add(new InstanceDescriptor(s.instance().id(), s.instance().uri().toString(), s.instance().zone(),
                    s.weight(), s.circuitBreakerState().name(), s.health().name(), s.available(), s.inFlight(),
                    s.latency().toNanos() / 1e6));
        }
        LoadBalancer.Metrics m = lb.getMetrics();
        Retry retry = route == null ? null : route.retry();
        return new LoadBalancerDescriptor(lb.getSelectionStrategy().toString(), m.getNumberOfKnownInstances(),
                m.getNumberOfAvailableInstances(), m.isPanicking(), retry == null ? null : retry.getName(), instances);
    }

    /**
     * Every load balancer.
     *
     * @param loadBalancers the load balancers by name
     */
    public record LoadBalancersDescriptor(Map<String, LoadBalancerDescriptor> loadBalancers) {
    }

    /**
     * One load balancer.
     *
     * @param strategy its selection strategy now
     * @param knownInstances instances in its source's list
     * @param availableInstances instances it may pick
     * @param panicking whether panic mode is on
     * @param retry the name of the failover Retry, or null without failover
     * @param instances each instance's state, in the source's order
     */
    public record LoadBalancerDescriptor(String strategy, int knownInstances, int availableInstances, boolean panicking,
            @Nullable String retry, List<InstanceDescriptor> instances) {
    }

    /**
     * One instance.
     *
     * @param id its id
     * @param uri its base URI
     * @param zone its zone, or null
     * @param weight its effective weight (slow start applied)
     * @param circuitBreakerState its circuit breaker's state
     * @param health what active health checking says (UNKNOWN when off)
     * @param available whether it may be picked
     * @param inFlight calls in flight
     * @param latencyMillis its peak-EWMA latency in milliseconds
     */
    public record InstanceDescriptor(String id, String uri, @Nullable String zone, double weight, String circuitBreakerState,
            String health, boolean available, int inFlight, double latencyMillis) {
    }
}
