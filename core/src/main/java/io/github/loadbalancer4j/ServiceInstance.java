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
 *
 * <p>A host is accepted when a URL can hold it, so that OkHttp, {@code java.net.URI} and the clients
 * built on them can all address the instance: a host name by RFC 1123 (letters, digits and hyphens in
 * dot-separated labels of at most 63 characters, the last label starting with a letter; an
 * internationalized name is kept in its ASCII form, {@code xn--...}), an IPv4 address, or an IPv6
 * address with or without brackets. Refused, each with a message naming it:
 * {@code host..example}, {@code ho%st}, {@code a{b}}, {@code my_service} (an underscore:
 * {@code java.net.URI} sees no host in {@code http://my_service:8080}, so {@link #parse(String)} and
 * {@link #of(String, int)} both refuse it), and an IPv6 address with a zone ID such as
 * {@code fe80::1%eth0} (what {@code InetAddress.getHostAddress()} returns for a scoped address; no URL
 * can carry the zone, so use an address that needs none).
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
    /** {@code id.hashCode()}, kept here so that a pass over a large list need not read each id. */
    private final int idHash;

    private ServiceInstance(Builder builder) {
        this.host = builder.host;
        this.port = builder.port;
        this.secure = builder.secure;
        this.weight = builder.weight;
        this.zone = builder.zone;
        this.metadata = Map.copyOf(builder.metadata);
        this.id = builder.id != null ? builder.id : hostPort(host, port);
        this.baseUri = (secure ? "https://" : "http://") + hostPort(host, port);
        this.idHash = id.hashCode();
    }

    /**
     * Returns a plain-http instance with the default weight.
     *
     * @param host a host name or IP address (IPv6 with or without brackets), as described in the
     *     class documentation
     * @param port 1-65535
     * @return the instance, whose id is {@code host:port}
     * @throws IllegalArgumentException if no URL can hold the host, or the port is out of range
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
     * @throws IllegalArgumentException if the scheme is not http/https, the host is missing or not one a
     *     URL can hold, the port is out of range, or the URI carries user info
     */
    public static ServiceInstance of(URI uri) {
        return builder(uri).build();
    }

    /**
     * Parses {@code http://host:port} or {@code https://host:port}.
     *
     * @param uri the text of an absolute http(s) URI
     * @return the instance
     * @throws IllegalArgumentException if the text is not such a URI (as {@link #builder(URI)} checks
     *     it), naming the text
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
     * @param host a host name or IP address, as described in the class documentation
     * @param port 1-65535
     * @return a builder
     * @throws IllegalArgumentException if no URL can hold the host, or the port is out of range
     */
    public static Builder builder(String host, int port) {
        return new Builder(host, port);
    }

    /**
     * Starts a builder from an http(s) URI: host, port (default 80 or 443) and {@code secure}. The
     * host is checked as {@link #builder(String, int)} checks it; path, query and fragment are ignored.
     *
     * @param uri an absolute http or https URI
     * @return a builder
     * @throws IllegalArgumentException if the scheme is not http/https, the host is missing or not one a
     *     URL can hold, the port is not 1-65535, or the URI carries user info ({@code user:password@},
     *     which an instance never sends: {@code http://h:80@evil:81} names the host {@code evil})
     */
    public static Builder builder(URI uri) {
        requireNonNull(uri, "uri");
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw new IllegalArgumentException("uri: '" + uri + "' (expected: scheme http or https)");
        }
        boolean secure = scheme.equalsIgnoreCase("https");
        // The raw authority, not getHost(): java.net.URI gives no host for names it does not parse
        // (an underscore, a non-ASCII name), and those deserve the host check's own message.
        String authority = uri.getRawAuthority();
        if (authority == null || authority.isEmpty()) {
            throw new IllegalArgumentException("uri: '" + uri + "' (expected: a host, as in http://host:port)");
        }
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            // The user info may hold a password: keep it out of the message (and so out of logs).
            String masked = uri.toString().replace(authority, "***" + authority.substring(at));
            throw new IllegalArgumentException("uri: '" + masked + "' (expected: http://host:port without user info; "
                    + "the host is what follows the last '@')");
        }
        int hostEnd;
        if (authority.startsWith("[")) {
            hostEnd = authority.indexOf(']') + 1;
            if (hostEnd == 0) {
                throw new IllegalArgumentException("uri: '" + uri + "' (expected: an IPv6 host closed by ']')");
            }
        } else {
            hostEnd = authority.indexOf(':');
            if (hostEnd < 0) {
                hostEnd = authority.length();
            } else if (authority.indexOf(':', hostEnd + 1) >= 0) {
                throw new IllegalArgumentException(
                        "uri: '" + uri + "' (expected: an IPv6 host in brackets, as in http://[2001:db8::1]:8080)");
            }
        }
        String portText = authority.substring(hostEnd);
        int port = secure ? 443 : 80;
        if (!portText.isEmpty() && !portText.equals(":")) {
            port = parsePort(uri, portText);
        }
        return new Builder(authority.substring(0, hostEnd), port).secure(secure);
    }

    private static int parsePort(URI uri, String portText) {
        String number = portText.substring(1);
        boolean digits = portText.charAt(0) == ':';
        for (int i = 0; i < number.length() && digits; i++) {
            digits = InstanceHost.isDigit(number.charAt(i));
        }
        if (!digits) {
            throw new IllegalArgumentException("uri: '" + uri + "' (expected: http://host:port with a port of 1-65535)");
        }
        if (number.length() > 9) {
            throw new IllegalArgumentException("port: " + number + " (expected: 1-65535)");
        }
        return Integer.parseInt(number); // the builder checks the range
    }

    /** @return the identity of this instance; {@code host:port} unless the builder set another */
    public String id() {
        return id;
    }

    /** @return {@code id().hashCode()}, without reading the id */
    int idHash() {
        return idHash;
    }

    /** @return the host name (in ASCII) or address, IPv6 without brackets */
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
            String checked = InstanceHost.check(host);
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
            }
            this.host = checked;
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
