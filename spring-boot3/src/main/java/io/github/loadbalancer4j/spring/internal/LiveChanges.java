package io.github.loadbalancer4j.spring.internal;

import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.spring.LoadBalancerRoute;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a refresh's new settings to a running service, key by key, without making a new load
 * balancer:
 * <ul>
 *   <li>{@code strategy}: {@link LoadBalancer#changeStrategy}, so calls in flight finish and every
 *       instance's breaker, in-flight count and latency are kept;
 *   <li>{@code static-instances}: the new list goes to the running source, as a discovery answer would;
 *   <li>{@code retry}, {@code retry-budget.*}: the route's Retry and budget are swapped; calls under way
 *       keep the ones they started with;
 *   <li>every other key ({@code circuit-breaker-config}, {@code health-check.*}, {@code slow-start},
 *       {@code panic-threshold}, {@code max-selection-attempts}, {@code discovery}) is part of the load
 *       balancer's immutable config or source: it is logged, naming the property and the value, as taking
 *       effect when the load balancer is made again (at the next start), and the running one keeps
 *       what it has.
 * </ul>
 *
 * <p>Public for the loadbalancer4j modules; not API.
 */
public final class LiveChanges {

    private static final Logger LOG = LoggerFactory.getLogger(LiveChanges.class);

    private LiveChanges() {
    }

    /**
     * Applies what can be applied.
     *
     * @param entry the running service
     * @param next the new settings, already checked by {@link ServiceFactory#config}
     * @param factory makes strategies, lists, retries and budgets
     * @return the new route when the route changed, else null
     */
    public static @org.jspecify.annotations.Nullable LoadBalancerRoute apply(ServiceEntry entry, ServiceSettings next,
            ServiceFactory factory) {
        ServiceSettings before = entry.settings();
        Set<String> changed = next.changedFrom(before);
        if (changed.isEmpty()) {
            return null;
        }
        LoadBalancer lb = entry.loadBalancer();
        List<String> needNew = new ArrayList<>();
        boolean routeChanged = false;
        for (String key : changed) {
            if (key.equals(ServiceSettings.STRATEGY)) {
                SelectionStrategy strategy = factory.strategy(next);
                try {
                    lb.changeStrategy(strategy);
                    LOG.info("LoadBalancer '{}': {} is now {} ({}), applied live", lb.getName(), next.property(key),
                            next.text(key), strategy);
                } catch (IllegalArgumentException e) {
                    LOG.error("LoadBalancer '{}' keeps strategy {}: {}={} was refused: {}", lb.getName(),
                            lb.getSelectionStrategy(), next.property(key), next.text(key), e.getMessage());
                }
            } else if (key.equals(ServiceSettings.STATIC_INSTANCES) && factory.updateStatic(entry.source(), next)) {
                LOG.info("LoadBalancer '{}': {} is now {}, applied live", lb.getName(), next.property(key), next.text(key));
            } else if (key.equals(ServiceSettings.RETRY) || key.startsWith("retry-budget.")) {
                routeChanged = true;
            } else {
                needNew.add(next.property(key) + "=" + next.text(key));
            }
        }
        if (!needNew.isEmpty()) {
            LOG.warn("LoadBalancer '{}' changed in configuration: {}; these are part of its config and take effect when the"
                    + " load balancer is created again (restart the application): the running one keeps its settings",
                    lb.getName(), needNew);
        }
        entry.settings(next);
        if (!routeChanged) {
            return null;
        }
        LoadBalancerRoute route = ConfiguredRoutes.route(lb, next, factory);
        entry.route(route);
        LOG.info("LoadBalancer '{}': failover is now {}, applied live", lb.getName(), route);
        return route;
    }
}
