package io.github.loadbalancer4j.etcd;

import static java.util.Objects.requireNonNull;

/**
 * Reported when the value of a key under the prefix cannot be turned into an instance: the mapper
 * threw (not an address, a URI or a JSON object it understands, or a bad port or weight). The key is
 * skipped; every other instance is still applied. It is reported once per change of the key.
 */
public final class UnreadableEntryException extends EtcdDiscoveryException {

    private static final long serialVersionUID = 1L;

    /** How much of a value the message and {@link #value()} keep. */
    private static final int MAX_VALUE_CHARS = 200;

    /** The prefix the source follows. */
    private final String prefix;
    /** The skipped key. */
    private final String key;
    /** The start of the skipped value. */
    private final String value;
    /** The revision of the change that wrote the value. */
    private final long modRevision;

    /**
     * Creates the exception.
     *
     * @param prefix the prefix the source follows
     * @param key the skipped key
     * @param value the key's value, as UTF-8 text (only its start is kept)
     * @param modRevision the revision of the key's last change
     * @param cause why the value could not be read
     */
    public UnreadableEntryException(String prefix, String key, String value, long modRevision, Throwable cause) {
        super(message(prefix, key, value, modRevision, cause), requireNonNull(cause, "cause"));
        this.prefix = prefix;
        this.key = key;
        this.value = shorten(value);
        this.modRevision = modRevision;
    }

    /** @return the prefix the source follows */
    public String prefix() {
        return prefix;
    }

    /** @return the skipped key */
    public String key() {
        return key;
    }

    /** @return the start of the skipped value (at most 200 characters) */
    public String value() {
        return value;
    }

    /** @return the etcd revision of the change that wrote the unreadable value */
    public long modRevision() {
        return modRevision;
    }

    private static String message(String prefix, String key, String value, long modRevision, Throwable cause) {
        return "Skipped key '" + key + "' (revision " + modRevision + ") under prefix '" + prefix + "': "
                + cause.getMessage() + "; value: '" + shorten(value) + "'";
    }

    private static String shorten(String value) {
        return value.length() <= MAX_VALUE_CHARS ? value : value.substring(0, MAX_VALUE_CHARS) + "...";
    }
}
