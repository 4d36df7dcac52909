package io.github.loadbalancer4j.grpc;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.InstanceSource;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Resolves targets such as {@code loadbalancer4j:///orders} with the {@link InstanceSource} registered
 * under the name {@code orders}: any source (static, DNS, ZooKeeper, etcd, Consul, your own) becomes a
 * gRPC channel's addresses, through an {@link InstanceSourceNameResolver}.
 * <pre>{@code
 * InstanceSourceNameResolverProvider resolvers = InstanceSourceNameResolverProvider.builder()
 *         .source("orders", ordersSource)
 *         .build();
 * NameResolverRegistry.getDefaultRegistry().register(resolvers);
 * ManagedChannel channel = Grpc.newChannelBuilder("loadbalancer4j:///orders", InsecureChannelCredentials.create()).build();
 * }</pre>
 *
 * <p>The target's path names the source; the channel's authority is that name. A target of this
 * provider's scheme that names no source, or that is not of the form {@code <scheme>:///<name>}, fails
 * the channel's {@code build()} with an {@link IllegalArgumentException} that says so. gRPC keeps one
 * provider per scheme (the highest priority wins): register one provider holding every source, or
 * give each its own {@link Builder#scheme(String) scheme}.
 */
public final class InstanceSourceNameResolverProvider extends NameResolverProvider {

    /** The scheme unless another is set: {@code loadbalancer4j}. */
    public static final String DEFAULT_SCHEME = "loadbalancer4j";

    /** gRPC's priority for providers that should win over the defaults: 5 (of 0-10). */
    public static final int DEFAULT_PRIORITY = 5;

    /** RFC 3986: a letter, then letters, digits, '+', '-' or '.'. */
    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*");

    private final String scheme;
    private final int priority;
    private final Map<String, InstanceSource> sources;

    private InstanceSourceNameResolverProvider(Builder builder) {
        this.scheme = builder.scheme;
        this.priority = builder.priority;
        this.sources = Map.copyOf(builder.sources);
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Makes the resolver of a target of this provider's scheme.
     *
     * @param targetUri the channel's target, as {@code loadbalancer4j:///orders}
     * @param args the channel's arguments
     * @return the resolver, or null when the target has another scheme (another provider's)
     * @throws IllegalArgumentException if the target has this scheme but no source name, another form,
     *     or names no source of this provider
     */
    @Override
    public @Nullable NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
        if (!scheme.equalsIgnoreCase(targetUri.getScheme())) {
            return null;
        }
        String name = sourceName(targetUri);
        InstanceSource source = sources.get(name);
        if (source == null) {
            throw new IllegalArgumentException("target: '" + targetUri + "' (expected: a source of this provider: one of "
                    + targetsOf(sources.keySet()) + ")");
        }
        return new InstanceSourceNameResolver(name, source, args.getSynchronizationContext());
    }

    private String sourceName(URI target) {
        String path = target.getPath();
        boolean wellFormed = target.getRawAuthority() == null && path != null && path.length() > 1 && path.startsWith("/")
                && path.indexOf('/', 1) < 0 && target.getRawQuery() == null && target.getRawFragment() == null;
        if (!wellFormed) {
            throw new IllegalArgumentException("target: '" + target + "' (expected: " + scheme + ":///<source name>, one of "
                    + targetsOf(sources.keySet()) + ")");
        }
        return path.substring(1);
    }

    private List<String> targetsOf(Set<String> names) {
        return names.stream().sorted().map(this::target).collect(java.util.stream.Collectors.toList());
    }

    /**
     * The target that names one of this provider's sources.
     *
     * @param sourceName a name given to {@link Builder#source(String, InstanceSource)}
     * @return {@code <scheme>:///<sourceName>}
     * @throws IllegalArgumentException if no source has that name
     */
    public String target(String sourceName) {
        requireNonNull(sourceName, "sourceName");
        if (!sources.containsKey(sourceName)) {
            throw new IllegalArgumentException("sourceName: '" + sourceName + "' (expected: one of " + sources.keySet().stream().sorted()
                    .collect(java.util.stream.Collectors.toList()) + ")");
        }
        return scheme + ":///" + sourceName;
    }

    /** @return the names of the sources, which the targets' paths give */
    public Set<String> sourceNames() {
        return sources.keySet();
    }

    /** @return the scheme, {@code loadbalancer4j} unless set */
    @Override
    public String getDefaultScheme() {
        return scheme;
    }

    /** @return true: the provider needs nothing it could miss */
    @Override
    protected boolean isAvailable() {
        return true;
    }

    /** @return the priority, {@value #DEFAULT_PRIORITY} unless set */
    @Override
    protected int priority() {
        return priority;
    }

    /** @return the addresses the resolvers produce: IP socket addresses */
    @Override
    public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
        return List.of(InetSocketAddress.class);
    }

    @Override
    public String toString() {
        return "InstanceSourceNameResolverProvider{" + scheme + ":///" + sources.keySet() + '}';
    }

    /** Builds an {@link InstanceSourceNameResolverProvider}; every setter checks its argument at once. */
    public static final class Builder {
        private String scheme = DEFAULT_SCHEME;
        private int priority = DEFAULT_PRIORITY;
        private final Map<String, InstanceSource> sources = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Registers a source under a name: the target {@code <scheme>:///<name>} resolves with it.
         *
         * @param name the name, also the channel's authority: non-blank, without '/', '?', '#' or spaces
         * @param source the source; it is not closed by the resolvers
         * @return this builder
         * @throws IllegalArgumentException if the name is not usable in a target or is already taken
         */
        public Builder source(String name, InstanceSource source) {
            requireNonNull(name, "name");
            requireNonNull(source, "source");
            if (name.isBlank() || name.chars().anyMatch(c -> c == '/' || c == '?' || c == '#' || c == '%' || Character.isWhitespace(c))) {
                throw new IllegalArgumentException("name: '" + name + "' (expected: a non-blank name without '/', '?', '#', '%' or spaces)");
            }
            if (sources.putIfAbsent(name, source) != null) {
                throw new IllegalArgumentException("name: '" + name + "' (expected: a name not given to another source)");
            }
            return this;
        }

        /**
         * Sets the scheme of the targets this provider resolves.
         *
         * @param scheme as in RFC 3986: a letter, then letters, digits, '+', '-' or '.'
         * @return this builder
         * @throws IllegalArgumentException if the scheme is not one
         */
        public Builder scheme(String scheme) {
            requireNonNull(scheme, "scheme");
            if (!SCHEME.matcher(scheme).matches()) {
                throw new IllegalArgumentException("scheme: '" + scheme + "' (expected: a letter, then letters, digits, '+', '-' or '.')");
            }
            this.scheme = scheme.toLowerCase(java.util.Locale.ROOT);
            return this;
        }

        /**
         * Sets the priority among the providers of one scheme in a {@link NameResolverRegistry}.
         *
         * @param priority 0-10; the highest wins
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder priority(int priority) {
            if (priority < 0 || priority > 10) {
                throw new IllegalArgumentException("priority: " + priority + " (expected: 0-10)");
            }
            this.priority = priority;
            return this;
        }

        /**
         * @return the provider
         * @throws IllegalStateException if no source was registered
         */
        public InstanceSourceNameResolverProvider build() {
            if (sources.isEmpty()) {
                throw new IllegalStateException("no source (expected: at least one source(name, source))");
            }
            return new InstanceSourceNameResolverProvider(this);
        }
    }
}
