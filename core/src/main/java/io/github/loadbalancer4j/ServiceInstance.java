package io.github.loadbalancer4j;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One instance of a service: where to send a call, and what the load balancer may know about it.
 *
 * <p>Equality and hash code are by {@link #id()} only. The default id is {@code host:port}, so an
 * instance keeps its identity (and with it its circuit breaker and statistics) across discovery
 * refreshes even when its weight, zone or metadata change.
 *
 * <p>Every value is checked at construction; a bad one fails with an {@link IllegalArgumentException}
 * naming the field, the value and what was expected, e.g. {@code port: 70000 (expected: 1-65535)}.
 */
public final class ServiceInstance {

    /** The weight of an instance built without one. */
    public static final int DEFAULT_WEIGHT = 1;

    private final String id;
    private final String host;
    private final int port;
    private final boolean secure;
    private final int weight;
    private final @Nullable String zone;
    private final Map<String, String> metadata;
    private final String baseUri;

    private ServiceInstance(Builder builder) {
        this.host = builder.host;
        this.port = builder.port;
        this.secure = builder.secure;
        this.weight = builder.weight;
        this.zone = builder.zone;
        this.metadata = Map.copyOf(builder.metadata);
        this.id = builder.id != null ? builder.id : hostPort(host, port);
        this.baseUri = (secure ? "https://" : "http://") + hostPort(host, port);
    }

    /**
     * Returns a plain-http instance with the default weight.
     *
     * @param host a host name or IP address (IPv6 with or without brackets)
     * @param port 1-65535
     * @return the instance, whose id is {@code host:port}
     * @throws IllegalArgumentException if the host is empty or the port out of range
     */
    public static ServiceInstance of(String host, int port) {
        return builder(host, port).build();
    }

    /**
     * Returns the instance an {@code http} or {@code https} URI names. A URI without a port gets
     * its scheme's default (80 or 443). Path, query and fragment are ignored.
     *
     * @param uri e.g. {@code http://10.0.1.10:8080}
     * @return the instance
     * @throws IllegalArgumentException if the scheme is not http/https, or the host is missing
     */
    public static ServiceInstance of(URI uri) {
        return builder(uri).build();
    }

    /**
     * Parses {@code http://host:port} or {@code https://host:port}.
     *
     * @param uri the text of an absolute http(s) URI
     * @return the instance
     * @throws IllegalArgumentException if the text is not such a URI, naming the text
     */
    public static ServiceInstance parse(String uri) {
        requireNonNull(uri, "uri");
        URI parsed;
        try {
            parsed = new URI(uri.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(
                    "uri: '" + uri + "' (expected: http://host:port or https://host:port): " + e.getMessage(), e);
        }
        try {
            return of(parsed);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("uri: ")) {
                throw e;
            }
            throw new IllegalArgumentException("uri: '" + uri + "' (expected: http://host:port or https://host:port): "
                    + e.getMessage(), e);
        }
    }

    /**
     * Starts a builder for an instance at {@code host:port}.
     *
     * @param host a host name or IP address
     * @param port 1-65535
     * @return a builder
     * @throws IllegalArgumentException if the host is empty or the port out of range
     */
    public static Builder builder(String host, int port) {
        return new Builder(host, port);
    }

    /**
     * Starts a builder from an http(s) URI: host, port (default 80 or 443) and {@code secure}.
     *
     * @param uri an absolute http or https URI
     * @return a builder
     * @throws IllegalArgumentException if the scheme is not http/https, or the host is missing
     */
    public static Builder builder(URI uri) {
        requireNonNull(uri, "uri");
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw new IllegalArgumentException("uri: '" + uri + "' (expected: scheme http or https)");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("uri: '" + uri + "' (expected: a host, as in http://host:port)");
        }
        boolean secure = scheme.equalsIgnoreCase("https");
        int port = uri.getPort() == -1 ? (secure ? 443 : 80) : uri.getPort();
        return new Builder(host, port).secure(secure);
    }

    /** @return the identity of this instance; {@code host:port} unless the builder set another */
    public String id() {
        return id;
    }

    /** @return the host name or address, IPv6 without brackets */
    public String host() {
        return host;
    }

    /** @return the port, 1-65535 */
    public int port() {
        return port;
    }

    /** @return whether calls use https */
    public boolean secure() {
        return secure;
    }

    /** @return the relative weight, {@code >= 0}; weighted strategies never pick a weight-0 instance while another has weight */
    public int weight() {
        return weight;
    }

    /** @return the zone (availability zone, rack), or null when unknown */
    public @Nullable String zone() {
        return zone;
    }

    /** @return immutable metadata, empty when none */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** @return {@code http(s)://host:port}, with brackets around an IPv6 host */
    public URI uri() {
        return URI.create(baseUri);
    }

    /**
     * Returns this instance's base URI with a path (and query) appended.
     *
     * @param pathAndQuery e.g. {@code /orders/42?full=true}; a missing leading slash is added
     * @return e.g. {@code http://10.0.1.10:8080/orders/42?full=true}
     * @throws IllegalArgumentException if the result is not a valid URI
     */
    public URI uri(String pathAndQuery) {
        requireNonNull(pathAndQuery, "pathAndQuery");
        String sep = pathAndQuery.startsWith("/") || pathAndQuery.isEmpty() ? "" : "/";
        return URI.create(baseUri + sep + pathAndQuery);
    }

    /**
     * Returns a builder holding this instance's values, to derive a changed copy.
     *
     * @return a builder
     */
    public Builder toBuilder() {
        Builder b = new Builder(host, port).secure(secure).weight(weight).zone(zone).metadata(metadata);
        b.id = id;
        return b;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return this == o || (o instanceof ServiceInstance && id.equals(((ServiceInstance) o).id));
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ServiceInstance{").append(id);
        if (!id.equals(hostPort(host, port))) {
            sb.append(" at ").append(hostPort(host, port));
        }
        if (secure) {
            sb.append(", https");
        }
        if (weight != DEFAULT_WEIGHT) {
            sb.append(", weight=").append(weight);
        }
        if (zone != null) {
            sb.append(", zone=").append(zone);
        }
        if (!metadata.isEmpty()) {
            sb.append(", metadata=").append(metadata);
        }
        return sb.append('}').toString();
    }

    private static String hostPort(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ':' + port;
    }

    /** Builds a {@link ServiceInstance}; every setter checks its argument at once. */
    public static final class Builder {
        private final String host;
        private final int port;
        private @Nullable String id;
        private boolean secure;
        private int weight = DEFAULT_WEIGHT;
        private @Nullable String zone;
        private final Map<String, String> metadata = new LinkedHashMap<>();

        private Builder(String host, int port) {
            requireNonNull(host, "host");
            String h = host.trim();
            if (h.startsWith("[") && h.endsWith("]")) {
                h = h.substring(1, h.length() - 1);
            }
            if (h.isEmpty()) {
                throw new IllegalArgumentException("host: '" + host + "' (expected: a non-empty host name or address)");
            }
            for (int i = 0; i < h.length(); i++) {
                char c = h.charAt(i);
                if (Character.isWhitespace(c) || c == '/' || c == '?' || c == '#' || c == '@') {
                    throw new IllegalArgumentException("host: '" + host + "' (expected: a host name or address, without '" + c + "')");
                }
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
            }
            this.host = h;
            this.port = port;
        }

        /**
         * Sets the identity; by default {@code host:port}.
         *
         * @param id a non-empty id, unique within one load balancer
         * @return this builder
         * @throws IllegalArgumentException if the id is empty
         */
        public Builder id(String id) {
            requireNonNull(id, "id");
            if (id.isBlank()) {
                throw new IllegalArgumentException("id: '" + id + "' (expected: a non-blank id)");
            }
            this.id = id;
            return this;
        }

        /**
         * Sets whether calls to the instance use https.
         *
         * @param secure true for https
         * @return this builder
         */
        public Builder secure(boolean secure) {
            this.secure = secure;
            return this;
        }

        /**
         * Sets the relative weight.
         *
         * @param weight {@code >= 0}; 0 keeps the instance out of weighted selection
         * @return this builder
         * @throws IllegalArgumentException if the weight is negative
         */
        public Builder weight(int weight) {
            if (weight < 0) {
                throw new IllegalArgumentException("weight: " + weight + " (expected: >= 0)");
            }
            this.weight = weight;
            return this;
        }

        /**
         * Sets the zone.
         *
         * @param zone a zone name, or null for none
         * @return this builder
         * @throws IllegalArgumentException if the zone is blank
         */
        public Builder zone(@Nullable String zone) {
            if (zone != null && zone.isBlank()) {
                throw new IllegalArgumentException("zone: '" + zone + "' (expected: a non-blank zone, or null)");
            }
            this.zone = zone;
            return this;
        }

        /**
         * Adds one metadata entry.
         *
         * @param key non-null key
         * @param value non-null value
         * @return this builder
         */
        public Builder metadata(String key, String value) {
            metadata.put(requireNonNull(key, "key"), requireNonNull(value, "value"));
            return this;
        }

        /**
         * Adds all entries of a map to the metadata.
         *
         * @param metadata a map without null keys or values
         * @return this builder
         */
        public Builder metadata(Map<String, String> metadata) {
            requireNonNull(metadata, "metadata").forEach(this::metadata);
            return this;
        }

        /** @return the immutable instance */
        public ServiceInstance build() {
            return new ServiceInstance(this);
        }
    }
}
