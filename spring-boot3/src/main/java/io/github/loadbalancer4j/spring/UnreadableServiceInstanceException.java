package io.github.loadbalancer4j.spring;

/**
 * Reported when one instance a {@code DiscoveryClient} listed cannot be used as it is: a host or port
 * that makes no valid instance (the instance is skipped), or a weight in its metadata that is not a
 * number of 0 or more (the instance is kept with the default weight). Every other instance is applied.
 * An instance is reported when it first appears so, and to each listener that subscribes while it
 * still does, not again at every refresh.
 */
public final class UnreadableServiceInstanceException extends DiscoveryClientException {

    private static final long serialVersionUID = 1L;

    /**
     * @param serviceId the service the instance belongs to
     * @param message what is wrong with the instance, naming it
     * @param cause why it could not be read
     */
    public UnreadableServiceInstanceException(String serviceId, String message, Throwable cause) {
        super(serviceId, message, cause);
    }
}
