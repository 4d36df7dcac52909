package io.github.loadbalancer4j.spring.internal;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.micrometer.TaggedRetryBudgetMetrics;
import io.github.loadbalancer4j.retry.RetryBudget;
import io.github.loadbalancer4j.spring.ConfiguredLoadBalancers;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Binds the retry budget of every service with failover ({@link TaggedRetryBudgetMetrics}, tagged with
 * the service's name), following the services: one made later gets its meters, and a budget a refresh
 * replaces has its meters moved to the new one.
 *
 * <p>Public for the loadbalancer4j modules; not API.
 */
public final class RetryBudgetMeters implements MeterBinder {

    private final ConfiguredLoadBalancers loadBalancers;

    /** @param loadBalancers the services whose budgets to bind */
    public RetryBudgetMeters(ConfiguredLoadBalancers loadBalancers) {
        this.loadBalancers = requireNonNull(loadBalancers, "loadBalancers");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Map<String, RetryBudget> bound = new ConcurrentHashMap<>();
        loadBalancers.addRouteListener((service, route) -> {
            RetryBudget budget = route.retryBudget();
            if (budget == null || bound.get(service) == budget) {
                return;
            }
            if (bound.put(service, budget) != null) {
                for (Meter meter : registry.find(TaggedRetryBudgetMetrics.RETRIES).tag(TaggedRetryBudgetMetrics.TAG_NAME, service).meters()) {
                    registry.remove(meter);
                }
                for (Meter meter : registry.find(TaggedRetryBudgetMetrics.BALANCE).tag(TaggedRetryBudgetMetrics.TAG_NAME, service).meters()) {
                    registry.remove(meter);
                }
            }
            TaggedRetryBudgetMetrics.ofRetryBudget(service, budget).bindTo(registry);
        });
    }
}
