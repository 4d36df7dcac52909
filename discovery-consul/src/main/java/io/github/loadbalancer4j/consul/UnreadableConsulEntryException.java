package io.github.loadbalancer4j.consul;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * Reported when one entry of Consul's answer cannot be turned into an instance: it is not a health
 * entry with a {@code Node} and a {@code Service} object, a field has the wrong type, or its values do
 * not make a valid instance (no address, port 0, a bad weight). The entry is skipped; every other
 * instance is still applied. An entry is reported when it first appears unreadable, not again at every
 * answer that still holds it.
 */
public final class UnreadableConsulEntryException extends ConsulDiscoveryException {

    private static final long serialVersionUID = 1L;

    /** The entry's {@code Service.ID}, when the entry could be read that far. */
    private final @Nullable String serviceId;
    /** The start of the entry's JSON. */
    private final String entry;

    /**
     * Creates the exception.
     *
     * @param serviceName the service whose instances were asked for
     * @param serviceId the entry's {@code Service.ID} when it could be read that far, else null
     * @param entry the start of the entry's JSON, for the message
     * @param cause why the entry could not be read
     */
    public UnreadableConsulEntryException(String serviceName, @Nullable String serviceId, String entry, Throwable cause) {
        super(serviceName, 200, message(serviceName, serviceId, entry, cause), requireNonNull(cause, "cause"));
        this.serviceId = serviceId;
        this.entry = entry;
    }

    /** @return the skipped entry's {@code Service.ID}, or null when the entry could not be read that far */
    public @Nullable String serviceId() {
        return serviceId;
    }

    /** @return the start of the skipped entry's JSON (at most 500 characters) */
    public String entry() {
        return entry;
    }

    private static String message(String serviceName, @Nullable String serviceId, String entry, Throwable cause) {
        String which = serviceId == null ? "an entry" : "entry '" + serviceId + "'";
        return "Skipped " + which + " of service '" + serviceName + "': " + cause.getMessage()
                + " (expected: a health entry with Node.Address or Service.Address and a Service.Port); entry: " + entry;
    }
}
