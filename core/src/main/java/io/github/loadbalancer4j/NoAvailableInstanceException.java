package io.github.loadbalancer4j;

import static java.util.Objects.requireNonNull;

/**
 * A call found no instance to go to. The message names the load balancer and why, e.g.
 * {@code LoadBalancer 'orders' has no available instance (3 known: 2 circuit open, 1 unhealthy)} or
 * {@code LoadBalancer 'orders' has no available instance (0 known: discovery returned no instances)}.
 * When the load balancer has no instance because discovery failed, the reason says so
 * ({@code (0 known: discovery failed: ...)}) and the failure is the exception's cause.
 *
 * <p>Deliberately not a resilience4j {@code CallNotPermittedException}: that one says a breaker
 * refused, this one says a whole service has nowhere to go.
 */
public class NoAvailableInstanceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The load balancer's name. */
    private final String loadBalancerName;
    /** Why no instance was available. */
    private final String reason;

    /**
     * @param loadBalancerName the load balancer's name
     * @param reason why, e.g. {@code (3 known: 2 circuit open, 1 unhealthy)}
     */
    public NoAvailableInstanceException(String loadBalancerName, String reason) {
        super("LoadBalancer '" + requireNonNull(loadBalancerName, "loadBalancerName") + "' has no available instance "
                + requireNonNull(reason, "reason"));
        this.loadBalancerName = loadBalancerName;
        this.reason = reason;
    }

    /**
     * @param loadBalancerName the load balancer's name
     * @param reason why, e.g. {@code (0 known: discovery failed: timed out)}
     * @param cause what made it so, e.g. the discovery failure
     */
    public NoAvailableInstanceException(String loadBalancerName, String reason, Throwable cause) {
        this(loadBalancerName, reason);
        initCause(requireNonNull(cause, "cause"));
    }

    /** @return the load balancer's name */
    public String getLoadBalancerName() {
        return loadBalancerName;
    }

    /** @return why no instance was available, as in the message */
    public String getReason() {
        return reason;
    }
}
