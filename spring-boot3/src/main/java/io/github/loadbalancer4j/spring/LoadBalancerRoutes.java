package io.github.loadbalancer4j.spring;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.LoadBalancerRegistry;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Which host names are load balanced, and how: the lookup {@link LoadBalancingClientHttpRequestInterceptor}
 * and {@link LoadBalancingExchangeFilterFunction} make for every request. {@link ConfiguredLoadBalancers}
 * is the one the auto-configuration uses; {@link #of(Map)} and {@link #of(LoadBalancerRegistry)} serve
 * code that builds its load balancers itself.
 */
@FunctionalInterface
public interface LoadBalancerRoutes {

    /**
     * Finds the route of a host name. Called for every request, so it must be cheap.
     *
     * @param host the request URL's host, as written
     * @return the route, or null when the host is not load balanced (the request then passes untouched)
     */
    @Nullable LoadBalancerRoute find(String host);

    /**
     * Fixed routes by host name (compared without regard to case, as host names are).
     *
     * @param routes the routes by host name
     * @return the lookup
     */
    static LoadBalancerRoutes of(Map<String, LoadBalancerRoute> routes) {
        requireNonNull(routes, "routes");
        Map<String, LoadBalancerRoute> byHost = new LinkedHashMap<>();
        routes.forEach((host, route) -> byHost.put(requireNonNull(host, "a host").toLowerCase(Locale.ROOT),
                requireNonNull(route, "the route of '" + host + "'")));
        Map<String, LoadBalancerRoute> copy = Map.copyOf(byHost);
        return host -> copy.get(host.toLowerCase(Locale.ROOT));
    }

    /**
     * Routes a host to the registry's load balancer of that name (looked up at every request, so load
     * balancers added later are routed too), without failover.
     *
     * @param registry the registry
     * @return the lookup
     */
    static LoadBalancerRoutes of(LoadBalancerRegistry registry) {
        requireNonNull(registry, "registry");
        return host -> registry.find(host).map(LoadBalancerRoute::of).orElse(null);
    }
}
