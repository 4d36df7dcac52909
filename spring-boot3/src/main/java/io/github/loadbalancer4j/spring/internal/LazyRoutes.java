package io.github.loadbalancer4j.spring.internal;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.spring.LoadBalancerRoute;
import io.github.loadbalancer4j.spring.LoadBalancerRoutes;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Routes looked up on first use rather than when the client is built. The HTTP clients' beans must not
 * need the load balancers when they are made: making the load balancers reads the DiscoveryClient,
 * whose own HTTP client (Eureka's RestClient) is made from the very builders those beans customize.
 *
 * <p>Public for the loadbalancer4j modules; not API.
 */
public final class LazyRoutes implements LoadBalancerRoutes {

    private final Supplier<? extends LoadBalancerRoutes> supplier;
    private volatile @Nullable LoadBalancerRoutes routes;

    /** @param supplier gives the routes, called once, at the first request */
    public LazyRoutes(Supplier<? extends LoadBalancerRoutes> supplier) {
        this.supplier = requireNonNull(supplier, "supplier");
    }

    @Override
    public @Nullable LoadBalancerRoute find(String host) {
        LoadBalancerRoutes r = routes;
        if (r == null) {
            r = requireNonNull(supplier.get(), "routes");
            routes = r;
        }
        return r.find(host);
    }

    @Override
    public String toString() {
        LoadBalancerRoutes r = routes;
        return r == null ? "LazyRoutes{not yet looked up}" : r.toString();
    }
}
