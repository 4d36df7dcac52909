package io.github.loadbalancer4j.kubernetes;

/**
 * Reported when the API server answers that a Service has no EndpointSlice at all: the Service does
 * not exist in the namespace (a wrong name or namespace), it has no selector and nobody wrote slices
 * for it, or the EndpointSlice controller has not written them yet. The answer is authoritative, so
 * the empty list is applied; this report says why it is empty. A Service whose slices exist but hold
 * no ready endpoint (scaled to zero) is not reported: its empty list is the expected answer.
 */
public final class NoEndpointSlicesException extends KubernetesDiscoveryException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param namespace the namespace of the Service
     * @param serviceName the name of the Service
     */
    public NoEndpointSlicesException(String namespace, String serviceName) {
        super(namespace, serviceName, "Service " + namespace + "/" + serviceName + " has no EndpointSlices (label "
                + KubernetesInstanceSource.SERVICE_NAME_LABEL + "=" + serviceName + "): the Service does not exist,"
                + " has no selector and no slices of its own, or is not populated yet; its list is empty until it has some",
                null);
    }
}
