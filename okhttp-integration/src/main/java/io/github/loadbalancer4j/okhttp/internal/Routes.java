package io.github.loadbalancer4j.okhttp.internal;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerRegistry;
import io.github.loadbalancer4j.retry.FailoverRetry;
import io.github.loadbalancer4j.retry.HedgingPolicy;
import io.github.loadbalancer4j.retry.RetryBudget;
import io.github.loadbalancer4j.retry.internal.DefaultHedging;
import io.github.resilience4j.retry.Retry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Which load balancer a request host goes to, with what goes along: the retry budget, the hedging
 * (its latency histogram, counters and events are per load balancer) and the instances' connection pools. Hosts routed by name come first; then a registry's load balancer of
 * that name, whose route is made on first use and made again when the registry holds another load
 * balancer under the name.
 *
 * <p>Public for the loadbalancer4j modules; not API. Thread-safe.
 */
public final class Routes {

    private final Map<String, Route> named;
    private final @Nullable LoadBalancerRegistry registry;
    private final ConcurrentHashMap<String, Route> registered = new ConcurrentHashMap<>();
    private final @Nullable Retry retry;
    private final @Nullable RetryBudget retryBudget;
    private final @Nullable HedgingPolicy hedging;
    private final @Nullable PoolSettings pools;

    /**
     * @param named load balancers by host (lower case)
     * @param registry more load balancers, by name; null for none
     * @param retry the failover Retry; null without failover
     * @param retryBudget one budget for every host; null for each load balancer's default budget
     * @param hedging the hedging policy; null without hedging
     * @param pools the per-instance pools' size; null when calls use the client's pool
     */
    public Routes(Map<String, LoadBalancer> named, @Nullable LoadBalancerRegistry registry, @Nullable Retry retry,
            @Nullable RetryBudget retryBudget, @Nullable HedgingPolicy hedging, @Nullable PoolSettings pools) {
        this.registry = registry;
        this.retry = retry;
        this.retryBudget = retryBudget;
        this.hedging = hedging;
        this.pools = pools;
        Map<String, Route> routes = new LinkedHashMap<>();
        named.forEach((host, lb) -> routes.put(host, newRoute(lb)));
        this.named = Map.copyOf(routes);
    }

    /**
     * @param host a request's host
     * @return its route, or null when the host is not routed
     */
    public @Nullable Route find(String host) {
        Route route = named.get(host);
        if (route != null || registry == null) {
            return route;
        }
        LoadBalancer loadBalancer = registry.find(host).orElse(null);
        if (loadBalancer == null) {
            return null;
        }
        route = registered.get(host);
        if (route != null && route.loadBalancer == loadBalancer) {
            return route;
        }
        return registered.compute(host, (h, r) -> r != null && r.loadBalancer == loadBalancer ? r : newRoute(loadBalancer));
    }

    private Route newRoute(LoadBalancer loadBalancer) {
        RetryBudget budget = retry == null ? null
                : retryBudget != null ? retryBudget : FailoverRetry.defaultBudget(loadBalancer);
        PoolSettings p = pools;
        HedgingPolicy h = hedging;
        return new Route(loadBalancer, budget, h == null ? null : DefaultHedging.of(loadBalancer, h),
                p == null ? null : InstancePools.watching(loadBalancer, p.maxIdleConnections, p.keepAlive));
    }

    /** @return the load balancers routed by name, by host */
    public Map<String, LoadBalancer> named() {
        Map<String, LoadBalancer> view = new LinkedHashMap<>();
        named.forEach((host, route) -> view.put(host, route.loadBalancer));
        return Map.copyOf(view);
    }

    /** @return every route's per-instance pools (none when calls use the client's pool) */
    public Stream<InstancePools> instancePools() {
        return Stream.concat(named.values().stream(), registered.values().stream()).map(route -> route.pools)
                .filter(Objects::nonNull);
    }

    @Override
    public String toString() {
        return named.keySet() + (registry != null ? ", registry" : "");
    }

    /**
     * @param host a host routed by name or through the registry
     * @return its route, when it has been used (registry routes are made on first use)
     */
    public @Nullable Route existing(String host) {
        Route route = named.get(host);
        return route != null ? route : registered.get(host);
    }

    /**
     * A host's load balancer, the budget its retries draw on (null without failover), its hedging (null
     * without) and its instances' connection pools (null when calls use the client's pool).
     */
    public static final class Route {
        /** The load balancer. */
        public final LoadBalancer loadBalancer;
        /** The budget of its retries; null without failover. */
        public final @Nullable RetryBudget budget;
        /** Its hedging; null without. */
        public final @Nullable DefaultHedging hedging;
        /** Its instances' connection pools; null when calls use the client's pool. */
        public final @Nullable InstancePools pools;

        Route(LoadBalancer loadBalancer, @Nullable RetryBudget budget, @Nullable DefaultHedging hedging, @Nullable InstancePools pools) {
            this.loadBalancer = loadBalancer;
            this.budget = budget;
            this.hedging = hedging;
            this.pools = pools;
        }
    }

    /** The size of each instance's connection pool. */
    public static final class PoolSettings {
        final int maxIdleConnections;
        final Duration keepAlive;

        /**
         * @param maxIdleConnections idle connections kept per instance, {@code >= 0}
         * @param keepAlive how long an idle connection is kept, {@code > 0}
         */
        public PoolSettings(int maxIdleConnections, Duration keepAlive) {
            this.maxIdleConnections = maxIdleConnections;
            this.keepAlive = requireNonNull(keepAlive, "keepAlive");
        }
    }
}
