package io.github.loadbalancer4j.spring;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.retry.FailoverRetry;
import io.github.loadbalancer4j.retry.RetryBudget;
import io.github.resilience4j.retry.Retry;
import org.jspecify.annotations.Nullable;

/**
 * Where the requests for one host name go: a {@link LoadBalancer} and, for failover, a resilience4j
 * {@link Retry} and the {@link RetryBudget} its retries draw on. Immutable.
 */
public final class LoadBalancerRoute {

    private final LoadBalancer loadBalancer;
    private final @Nullable Retry retry;
    private final @Nullable RetryBudget retryBudget;

    private LoadBalancerRoute(LoadBalancer loadBalancer, @Nullable Retry retry, @Nullable RetryBudget retryBudget) {
        this.loadBalancer = requireNonNull(loadBalancer, "loadBalancer");
        this.retry = retry;
        this.retryBudget = retryBudget;
    }

    /**
     * A route without failover: each request makes one attempt.
     *
     * @param loadBalancer picks the instance
     * @return the route
     */
    public static LoadBalancerRoute of(LoadBalancer loadBalancer) {
        return new LoadBalancerRoute(loadBalancer, null, null);
    }

    /**
     * A route with failover, its retries drawing on the load balancer's
     * {@link FailoverRetry#defaultBudget(LoadBalancer) default budget}.
     *
     * @param loadBalancer picks the instance of every attempt
     * @param retry decides what is retried, how often and the backoff
     * @return the route
     */
    public static LoadBalancerRoute of(LoadBalancer loadBalancer, Retry retry) {
        return of(loadBalancer, retry, FailoverRetry.defaultBudget(requireNonNull(loadBalancer, "loadBalancer")));
    }

    /**
     * A route with failover.
     *
     * @param loadBalancer picks the instance of every attempt
     * @param retry decides what is retried, how often and the backoff
     * @param retryBudget caps the retries
     * @return the route
     */
    public static LoadBalancerRoute of(LoadBalancer loadBalancer, Retry retry, RetryBudget retryBudget) {
        return new LoadBalancerRoute(loadBalancer, requireNonNull(retry, "retry"), requireNonNull(retryBudget, "retryBudget"));
    }

    /** @return the load balancer */
    public LoadBalancer loadBalancer() {
        return loadBalancer;
    }

    /** @return the Retry of failover, or null without failover */
    public @Nullable Retry retry() {
        return retry;
    }

    /** @return the budget of failover's retries, or null without failover */
    public @Nullable RetryBudget retryBudget() {
        return retryBudget;
    }

    @Override
    public String toString() {
        return "LoadBalancerRoute{" + loadBalancer.getName() + (retry != null ? ", retry=" + retry.getName() : "") + '}';
    }
}
