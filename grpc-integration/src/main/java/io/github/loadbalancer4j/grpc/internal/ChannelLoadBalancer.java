package io.github.loadbalancer4j.grpc.internal;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.LoadBalancerRegistry;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.grpc.Status;
import io.grpc.StatusException;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One channel's core {@link LoadBalancer} and its place in the provider's registry: made from the
 * registry's config (or the one the policy config names) with the policy config's strategy, under the
 * channel's authority (or the config's {@code name}), suffixed {@code -2}, {@code -3}, ... when a live
 * channel holds that name already; changed as a new policy config allows; removed from the registry
 * (and closed) with the channel. Only on the channel's synchronization context.
 */
final class ChannelLoadBalancer {

    private static final Logger LOG = LoggerFactory.getLogger(ChannelLoadBalancer.class);

    private final LoadBalancerRegistry registry;
    private final LoadBalancer loadBalancer;
    private final LoadBalancerConfig base;
    private final ParkedBreakers parked;
    private final Predicate<Status> defaultFailure;
    private final String policyName;
    private PolicyConfig applied;
    private Predicate<Status> failure;

    private ChannelLoadBalancer(LoadBalancerRegistry registry, LoadBalancer loadBalancer, LoadBalancerConfig base,
            PolicyConfig applied, Predicate<Status> defaultFailure, String policyName) {
        this.registry = registry;
        this.loadBalancer = loadBalancer;
        this.base = base;
        this.parked = new ParkedBreakers(requireNonNull(loadBalancer.getConfig().getCircuitBreakerRegistry()), loadBalancer.getName());
        this.defaultFailure = defaultFailure;
        this.policyName = policyName;
        this.applied = applied;
        this.failure = applied.failurePredicate(defaultFailure);
    }

    /**
     * Makes and registers a channel's load balancer.
     *
     * @param registry the provider's registry
     * @param config the policy config
     * @param authority the channel's authority, the name unless the config gives one
     * @param ready the channel's READY instances
     * @param defaultFailure the provider's failure predicate
     * @param policyName the policy's name, for messages
     * @return the channel's load balancer
     * @throws StatusException UNAVAILABLE, saying why, if it cannot be made
     */
    static ChannelLoadBalancer create(LoadBalancerRegistry registry, PolicyConfig config, String authority, InstanceSource ready,
            Predicate<Status> defaultFailure, String policyName) throws StatusException {
        String configName = config.configName();
        LoadBalancerConfig base = configName == null ? registry.getDefaultConfig() : registry.getConfiguration(configName).orElse(null);
        if (base == null) {
            throw Status.UNAVAILABLE.withDescription(policyName + " policy config: " + PolicyConfig.CONFIG + ": '" + configName
                    + "' (expected: a config of the provider's LoadBalancerRegistry)").asException();
        }
        String wanted = config.name() != null ? config.name() : authority;
        LoadBalancer made;
        try {
            LoadBalancerConfig.Builder lbConfig = LoadBalancerConfig.from(base);
            if (config.strategy() != null) {
                lbConfig.selectionStrategy(config.strategy());
            }
            if (base.getCircuitBreakerRegistry() == null) {
                // A registry of the channel's own, with core's default instance config, as core would
                // make: breakers of instances that lost their connection are parked in it.
                lbConfig.circuitBreakerRegistry(CircuitBreakerRegistry.of(LoadBalancerConfig.DEFAULT_INSTANCE_CIRCUIT_BREAKER_CONFIG));
            }
            synchronized (registry) {
                String free = wanted;
                for (int i = 2; registry.find(free).isPresent(); i++) {
                    free = wanted + "-" + i;
                }
                made = registry.loadBalancer(free, ready, lbConfig.build());
            }
        } catch (RuntimeException e) {
            LOG.warn("{} could not make the load balancer of channel {}", policyName, wanted, e);
            throw Status.UNAVAILABLE.withCause(e)
                    .withDescription(policyName + " could not make the load balancer '" + wanted + "': " + e.getMessage()).asException();
        }
        if (!wanted.equals(made.getName())) {
            LOG.info("{}: a load balancer named '{}' is registered already; this channel's is '{}'", policyName, wanted, made.getName());
        }
        return new ChannelLoadBalancer(registry, made, base, config, defaultFailure, policyName);
    }

    /** @return the load balancer */
    LoadBalancer get() {
        return loadBalancer;
    }

    /** @return its name in the registry */
    String name() {
        return loadBalancer.getName();
    }

    /** @return the breakers of instances waiting to be READY again */
    ParkedBreakers parked() {
        return parked;
    }

    /** @return which statuses count as failures of an instance, as the policy config last said */
    Predicate<Status> failure() {
        return failure;
    }

    /**
     * Applies what can change on a live channel: the strategy and the failure codes. {@code config}
     * and {@code name} cannot (the load balancer and its breakers are made once): logged.
     *
     * @param config the policy config now in force
     */
    void reconfigure(PolicyConfig config) {
        List<String> changed = config.changedKeys(applied);
        if (changed.isEmpty()) {
            return;
        }
        if (changed.contains(PolicyConfig.STRATEGY)) {
            SelectionStrategy strategy = config.strategy() != null ? config.strategy() : base.getSelectionStrategy();
            try {
                loadBalancer.changeStrategy(strategy);
            } catch (IllegalArgumentException e) {
                LOG.warn("{} '{}': the service config's strategy {} cannot be used; {} stays", policyName, name(), strategy,
                        loadBalancer.getSelectionStrategy(), e);
            }
        }
        if (changed.contains(PolicyConfig.FAILURE_STATUS_CODES)) {
            failure = config.failurePredicate(defaultFailure);
        }
        if (changed.contains(PolicyConfig.CONFIG) || changed.contains(PolicyConfig.NAME)) {
            LOG.warn("{} '{}': '{}' and '{}' cannot change on a live channel (its load balancer, and its breakers, are made once);"
                    + " the new values apply to channels made from now on", policyName, name(), PolicyConfig.CONFIG, PolicyConfig.NAME);
        }
        applied = config;
    }

    /** Removes the load balancer from the registry (unless another took its place there), closes it, unparks its breakers. */
    void close() {
        String name = name();
        synchronized (registry) {
            if (registry.find(name).filter(registered -> registered == loadBalancer).isPresent()) {
                registry.remove(name); // closes it
            }
        }
        loadBalancer.close();
        parked.clear();
    }
}
