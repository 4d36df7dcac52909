package io.github.loadbalancer4j.spring.internal;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.spring.LoadBalancerRoute;

/**
 * One service's running parts: its load balancer, the source it owns, the route requests take, and the
 * settings last applied. Fields a refresh changes are volatile; only the refresh (one at a time) writes them.
 *
 * <p>Public for the loadbalancer4j modules; not API.
 */
public final class ServiceEntry {

    private final LoadBalancer loadBalancer;
    private final InstanceSource source;
    private final boolean onDemand;
    private volatile ServiceSettings settings;
    private volatile LoadBalancerRoute route;

    /**
     * @param loadBalancer the load balancer
     * @param source its source, owned by this entry
     * @param onDemand whether it was made for a request rather than from configuration
     * @param settings the settings it was made with
     * @param route the route requests take
     */
    public ServiceEntry(LoadBalancer loadBalancer, InstanceSource source, boolean onDemand, ServiceSettings settings,
            LoadBalancerRoute route) {
        this.loadBalancer = requireNonNull(loadBalancer, "loadBalancer");
        this.source = requireNonNull(source, "source");
        this.onDemand = onDemand;
        this.settings = requireNonNull(settings, "settings");
        this.route = requireNonNull(route, "route");
    }

    /** @return the load balancer */
    public LoadBalancer loadBalancer() {
        return loadBalancer;
    }

    /** @return the source */
    public InstanceSource source() {
        return source;
    }

    /** @return whether it was made for a request rather than from configuration */
    public boolean onDemand() {
        return onDemand;
    }

    /** @return the settings last applied */
    public ServiceSettings settings() {
        return settings;
    }

    /** @param settings the settings now applied */
    public void settings(ServiceSettings settings) {
        this.settings = requireNonNull(settings, "settings");
    }

    /** @return the route requests take */
    public LoadBalancerRoute route() {
        return route;
    }

    /** @param route the route requests take from now on */
    public void route(LoadBalancerRoute route) {
        this.route = requireNonNull(route, "route");
    }
}
