package io.github.loadbalancer4j.spring.internal;

import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.retry.RetryBudget;
import io.github.loadbalancer4j.spring.LoadBalancerRoute;
import io.github.resilience4j.retry.Retry;

/**
 * The route a service's settings describe: its load balancer, with failover when {@code retry} is set,
 * drawing on the {@code retry-budget.*} budget or, without one, on the load balancer's default budget.
 *
 * <p>Public for the loadbalancer4j modules; not API.
 */
public final class ConfiguredRoutes {

    private ConfiguredRoutes() {
    }

    /**
     * @param loadBalancer the service's load balancer
     * @param settings its settings
     * @param factory makes the Retry and the budget
     * @return the route
     */
    public static LoadBalancerRoute route(LoadBalancer loadBalancer, ServiceSettings settings, ServiceFactory factory) {
        Retry retry = factory.retry(settings);
        if (retry == null) {
            return LoadBalancerRoute.of(loadBalancer);
        }
        RetryBudget budget = factory.retryBudget(settings);
        return budget == null ? LoadBalancerRoute.of(loadBalancer, retry) : LoadBalancerRoute.of(loadBalancer, retry, budget);
    }
}
