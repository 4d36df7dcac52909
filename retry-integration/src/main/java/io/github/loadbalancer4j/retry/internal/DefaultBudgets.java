package io.github.loadbalancer4j.retry.internal;

import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.retry.RetryBudget;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The budget each load balancer's failover shares when the user gives none: one
 * {@link RetryBudget#ofDefaults()} per load balancer, named after it and measured with its config's
 * ticker. Held weakly, so a load balancer that is no longer used takes its budget with it.
 */
public final class DefaultBudgets {

    private static final Map<LoadBalancer, RetryBudget> BUDGETS = Collections.synchronizedMap(new WeakHashMap<>());

    private DefaultBudgets() {
    }

    /**
     * @param loadBalancer the load balancer
     * @return its default budget, made on first use
     */
    public static RetryBudget of(LoadBalancer loadBalancer) {
        return BUDGETS.computeIfAbsent(loadBalancer, lb -> RetryBudget.custom()
                .name(lb.getName())
                .ticker(lb.getConfig().getTicker())
                .build());
    }
}
