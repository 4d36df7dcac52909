package io.github.loadbalancer4j.spring;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * A health indicator ({@code loadbalancers}) that is DOWN while any load balancer has no instance it
 * may pick (every instance's breaker open or unhealthy, or discovery listing none), with each load
 * balancer's counts as details. Turn it off with {@code management.health.loadbalancers.enabled: false},
 * or leave it out of the groups that decide whether to restart the application: an outage of a
 * dependency is rarely cured by restarting its caller.
 */
public class LoadBalancersHealthIndicator extends AbstractHealthIndicator {

    private final LoadBalancerRegistry registry;

    /** @param registry the load balancers to watch */
    public LoadBalancersHealthIndicator(LoadBalancerRegistry registry) {
        super("Load balancer health check failed");
        this.registry = requireNonNull(registry, "registry");
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        boolean allAvailable = true;
        Map<String, Object> details = new TreeMap<>();
        for (LoadBalancer lb : registry.getAllLoadBalancers()) {
            LoadBalancer.Metrics m = lb.getMetrics();
            Map<String, Object> counts = new LinkedHashMap<>();
            counts.put("available", m.getNumberOfAvailableInstances());
            counts.put("known", m.getNumberOfKnownInstances());
            counts.put("circuitOpen", m.getNumberOfCircuitOpenInstances());
            counts.put("unhealthy", m.getNumberOfUnhealthyInstances());
            details.put(lb.getName(), counts);
            if (m.getNumberOfAvailableInstances() == 0) {
                allAvailable = false;
            }
        }
        builder.status(allAvailable ? org.springframework.boot.actuate.health.Status.UP
                : org.springframework.boot.actuate.health.Status.DOWN).withDetails(details);
    }
}
