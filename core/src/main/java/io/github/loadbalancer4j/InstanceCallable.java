package io.github.loadbalancer4j;

/**
 * A call on one instance that may throw a checked exception, for
 * {@link LoadBalancer#decorateCallable(LoadBalancer, InstanceCallable)}.
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface InstanceCallable<T> {

    /**
     * Calls the instance.
     *
     * @param instance the instance the load balancer picked
     * @return the result
     * @throws Exception the call's failure
     */
    T call(ServiceInstance instance) throws Exception;
}
