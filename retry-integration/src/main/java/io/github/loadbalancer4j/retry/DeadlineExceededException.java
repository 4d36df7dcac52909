package io.github.loadbalancer4j.retry;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A call's {@link Deadline} was spent: the time ran out during an attempt, or too little was left for
 * another one. The message names the load balancer, the deadline and the attempts made, e.g.
 * {@code Deadline of 300 ms spent after 3 attempts on LoadBalancer 'orders'}; the cause is the last
 * attempt's failure, when there was one.
 */
public final class DeadlineExceededException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The name of the load balancer the attempts went through. */
    private final String loadBalancerName;
    /** The call's deadline, from its start. */
    private final Duration timeout;
    /** The attempts that reached an instance. */
    private final int attempts;

    private DeadlineExceededException(String message, String loadBalancerName, Duration timeout, int attempts,
            @Nullable Throwable lastFailure) {
        super(message, lastFailure);
        this.loadBalancerName = loadBalancerName;
        this.timeout = timeout;
        this.attempts = attempts;
    }

    /**
     * Creates the exception for a call whose deadline was spent.
     *
     * @param loadBalancerName the name of the load balancer the attempts went through
     * @param timeout the call's deadline, from its start
     * @param attempts the attempts that reached an instance, {@code >= 0}
     * @param lastFailure the last attempt's failure, or null
     * @return the exception
     * @throws IllegalArgumentException if {@code attempts} is negative
     */
    public static DeadlineExceededException createDeadlineExceededException(String loadBalancerName, Duration timeout,
            int attempts, @Nullable Throwable lastFailure) {
        requireNonNull(loadBalancerName, "loadBalancerName");
        requireNonNull(timeout, "timeout");
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts: " + attempts + " (expected: >= 0)");
        }
        String message = "Deadline of " + text(timeout) + " spent after " + attempts + (attempts == 1 ? " attempt" : " attempts")
                + " on LoadBalancer '" + loadBalancerName + "'"
                + (lastFailure != null ? "; the last one failed with " + lastFailure : "");
        return new DeadlineExceededException(message, loadBalancerName, timeout, attempts, lastFailure);
    }

    /** @return the name of the load balancer the attempts went through */
    public String getLoadBalancerName() {
        return loadBalancerName;
    }

    /** @return the call's deadline, from its start */
    public Duration getTimeout() {
        return timeout;
    }

    /** @return the attempts that reached an instance before the deadline was spent */
    public int getAttempts() {
        return attempts;
    }

    private static String text(Duration d) {
        long millis = d.toMillis();
        return Duration.ofMillis(millis).equals(d) ? millis + " ms" : d.toString();
    }
}
