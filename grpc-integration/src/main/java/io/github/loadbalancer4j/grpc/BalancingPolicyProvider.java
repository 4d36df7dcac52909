package io.github.loadbalancer4j.grpc;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerRegistry;
import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.grpc.internal.BalancingPolicy;
import io.github.loadbalancer4j.grpc.internal.PolicyConfig;
import io.github.loadbalancer4j.grpc.internal.SelectionContexts;
import io.grpc.CallOptions;
import io.grpc.LoadBalancerProvider;
import io.grpc.NameResolver.ConfigOrError;
import io.grpc.Status;
import io.grpc.protobuf.services.HealthCheckingLoadBalancerUtil;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The {@code loadbalancer4j} load-balancing policy for gRPC-java channels: loadbalancer4j's selection
 * strategies and per-instance circuit breakers over the channel's READY subchannels.
 *
 * <p>Each channel that uses the policy gets a core {@link LoadBalancer}, made in this provider's
 * {@link LoadBalancerRegistry} (so from its configs: strategy, {@code CircuitBreakerRegistry}, breaker
 * config, health checks, panic threshold, slow start) and registered there under the channel's
 * authority ({@code orders} for {@code loadbalancer4j:///orders}), until the channel shuts down. Its
 * instances are the READY subchannels. A call's pick goes through it: the strategy chooses, the
 * instance's breaker (named {@code <authority>#<instanceId>}) gives its permission, and the call's
 * final status ends it: a status the failure predicate accepts is a failure of the instance (by
 * default {@link #DEFAULT_FAILURE_STATUS_CODES}), {@code CANCELLED} records nothing, any other status
 * is a success; the time from pick to status feeds the latency statistics. Find the channel's load
 * balancer in the registry to read its state or {@link LoadBalancer#changeStrategy change its strategy}
 * while calls run.
 *
 * <p>Select the policy with {@code defaultLoadBalancingPolicy("loadbalancer4j")} or with a service
 * config, whose {@code loadbalancer4j} object may set {@code strategy} (a {@code SelectionStrategy.parse}
 * name), {@code config} (a config of the registry), {@code name} (the load balancer's name) and
 * {@code failureStatusCodes} (a list of code names). A bad value fails the service config with a
 * message naming the key. The policy also honours the service config's {@code healthCheckConfig}
 * (gRPC's client-side health checking), as {@code round_robin} does.
 *
 * <p>This provider is found on the class path with the defaults (priority 5). Register one built with
 * {@link #builder()} to use your registry (it has priority 6, so it wins):
 * {@code io.grpc.LoadBalancerRegistry.getDefaultRegistry().register(provider)}.
 */
public final class BalancingPolicyProvider extends LoadBalancerProvider {

    /** The policy's name unless another is set: {@code loadbalancer4j}. */
    public static final String POLICY_NAME = "loadbalancer4j";

    /** The status codes that count as failures of an instance unless set otherwise. */
    public static final EnumSet<Status.Code> DEFAULT_FAILURE_STATUS_CODES = EnumSet.of(
            Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED, Status.Code.RESOURCE_EXHAUSTED, Status.Code.INTERNAL);

    /**
     * The call option that gives the picker a call's {@link SelectionContext}: a hash key for
     * {@code consistentHash()} ({@code stub.withOption(SELECTION_CONTEXT, SelectionContext.ofHashKey(userId))}),
     * or the instances a call already tried. {@link SelectionContext#empty()} when unset.
     */
    public static final CallOptions.Key<SelectionContext> SELECTION_CONTEXT = SelectionContexts.KEY;

    private static final int SERVICE_LOADED_PRIORITY = 5;
    private static final int BUILT_PRIORITY = 6;

    private final String policyName;
    private final int priority;
    private final LoadBalancerRegistry registry;
    private final Predicate<Status> failure;

    /**
     * The provider gRPC loads from the class path: policy {@code loadbalancer4j}, priority 5, a
     * registry of its own with the default config, the default failure codes.
     */
    public BalancingPolicyProvider() {
        this(POLICY_NAME, SERVICE_LOADED_PRIORITY, LoadBalancerRegistry.ofDefaults(), PolicyConfig.failureCodes(DEFAULT_FAILURE_STATUS_CODES));
    }

    private BalancingPolicyProvider(String policyName, int priority, LoadBalancerRegistry registry, Predicate<Status> failure) {
        this.policyName = policyName;
        this.priority = priority;
        this.registry = registry;
        this.failure = failure;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Makes the policy's load balancer for one channel, with gRPC's client-side health checking
     * around it (active when the service config has a {@code healthCheckConfig}).
     *
     * @param helper the channel's helper
     * @return the load balancer
     */
    @Override
    public io.grpc.LoadBalancer newLoadBalancer(io.grpc.LoadBalancer.Helper helper) {
        return HealthCheckingLoadBalancerUtil.newHealthCheckingLoadBalancer(new io.grpc.LoadBalancer.Factory() {
            @Override
            public io.grpc.LoadBalancer newLoadBalancer(io.grpc.LoadBalancer.Helper wrapped) {
                return new BalancingPolicy(wrapped, registry, failure, policyName);
            }
        }, helper);
    }

    /**
     * Reads the policy's object of a service config.
     *
     * @param rawConfig the object, as gRPC parsed it from JSON
     * @return the config, or an {@code UNAVAILABLE} error naming the bad key and value
     */
    @Override
    public ConfigOrError parseLoadBalancingPolicyConfig(Map<String, ?> rawConfig) {
        return PolicyConfig.parse(rawConfig, policyName, registry);
    }

    /** @return the registry in which each channel's load balancer is made and registered */
    public LoadBalancerRegistry loadBalancerRegistry() {
        return registry;
    }

    /**
     * Finds the load balancer of a live channel.
     *
     * @param name the channel's authority ({@code orders} for {@code loadbalancer4j:///orders}), or the
     *     {@code name} its policy config gives
     * @return the load balancer, or empty if no live channel of this provider has one of that name
     */
    public Optional<LoadBalancer> loadBalancer(String name) {
        return registry.find(requireNonNull(name, "name"));
    }

    /** @return true: the policy needs nothing it could miss */
    @Override
    public boolean isAvailable() {
        return true;
    }

    /** @return 5 for the provider loaded from the class path, 6 for a built one unless set */
    @Override
    public int getPriority() {
        return priority;
    }

    /** @return {@code loadbalancer4j} unless set */
    @Override
    public String getPolicyName() {
        return policyName;
    }

    /** Builds a {@link BalancingPolicyProvider}; every setter checks its argument at once. */
    public static final class Builder {
        private String policyName = POLICY_NAME;
        private int priority = BUILT_PRIORITY;
        private LoadBalancerRegistry registry = LoadBalancerRegistry.ofDefaults();
        private Predicate<Status> failure = PolicyConfig.failureCodes(DEFAULT_FAILURE_STATUS_CODES);

        private Builder() {
        }

        /**
         * Sets the registry in which each channel's load balancer is made (from its default config, or
         * from the config the service config names) and registered.
         *
         * @param registry the registry; by default a new one with the default config
         * @return this builder
         */
        public Builder loadBalancerRegistry(LoadBalancerRegistry registry) {
            this.registry = requireNonNull(registry, "registry");
            return this;
        }

        /**
         * Sets which final statuses count as failures of the instance that served the call.
         *
         * @param failure true for a failure; by default {@link #DEFAULT_FAILURE_STATUS_CODES}
         * @return this builder
         */
        public Builder failureStatus(Predicate<Status> failure) {
            this.failure = requireNonNull(failure, "failure");
            return this;
        }

        /**
         * Sets the policy's name, as service configs and {@code defaultLoadBalancingPolicy} give it.
         *
         * @param policyName a non-blank name
         * @return this builder
         * @throws IllegalArgumentException if blank
         */
        public Builder policyName(String policyName) {
            requireNonNull(policyName, "policyName");
            if (policyName.isBlank()) {
                throw new IllegalArgumentException("policyName: '" + policyName + "' (expected: a non-blank name)");
            }
            this.policyName = policyName;
            return this;
        }

        /**
         * Sets the priority among the providers of one policy name in gRPC's registry.
         *
         * @param priority 0-10; the highest wins; 6 by default, above the class-path provider's 5
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder priority(int priority) {
            if (priority < 0 || priority > 10) {
                throw new IllegalArgumentException("priority: " + priority + " (expected: 0-10)");
            }
            this.priority = priority;
            return this;
        }

        /** @return the provider */
        public BalancingPolicyProvider build() {
            return new BalancingPolicyProvider(policyName, priority, registry, failure);
        }
    }
}
