package io.github.loadbalancer4j.kubernetes;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * Reported when (part of) an EndpointSlice cannot make instances: the slice has several ports and
 * none was chosen, the chosen port has no number, or an endpoint address is not a valid host. The
 * slice (or only that address) is skipped; every other instance is applied.
 */
public final class UnusableEndpointSliceException extends KubernetesDiscoveryException {

    private static final long serialVersionUID = 1L;

    /** The name of the skipped EndpointSlice. */
    private final String sliceName;
    /** The skipped address, when only one address was skipped. */
    private final @Nullable String address;

    /**
     * Creates the exception.
     *
     * @param namespace the namespace of the Service
     * @param serviceName the name of the Service
     * @param sliceName the name of the EndpointSlice
     * @param address the skipped address when only it was skipped, or null when the whole slice was
     * @param reason why, Armeria-style: {@code ports: [http:8080, metrics:9090] (expected: ...)}
     * @param cause the underlying failure, or null
     */
    public UnusableEndpointSliceException(String namespace, String serviceName, String sliceName, @Nullable String address,
            String reason, @Nullable Throwable cause) {
        super(namespace, serviceName, "Skipped " + (address == null ? "" : "address '" + address + "' of ") + "EndpointSlice '"
                + requireNonNull(sliceName, "sliceName") + "' of Service " + namespace + "/" + serviceName + ": " + reason, cause);
        this.sliceName = sliceName;
        this.address = address;
    }

    /** @return the name of the EndpointSlice that was skipped, or whose address was */
    public String sliceName() {
        return sliceName;
    }

    /** @return the skipped address, or null when the whole slice was skipped */
    public @Nullable String address() {
        return address;
    }
}
