package io.github.loadbalancer4j.vavr;

import io.github.loadbalancer4j.ServiceInstance;

/**
 * A call on one instance that takes an argument, returns nothing and may throw, for
 * {@link VavrLoadBalancer#decorateCheckedConsumer(io.github.loadbalancer4j.LoadBalancer, CheckedInstanceConsumer)}.
 * vavr has no checked two-argument consumer, hence this one.
 *
 * @param <T> the argument type
 */
@FunctionalInterface
public interface CheckedInstanceConsumer<T> {

    /**
     * Calls the instance.
     *
     * @param instance the instance the load balancer picked
     * @param value the argument the decorated consumer was given
     * @throws Throwable the call's failure
     */
    void accept(ServiceInstance instance, T value) throws Throwable;
}
