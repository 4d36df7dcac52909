package io.github.loadbalancer4j.etcd;

import static java.util.Objects.requireNonNull;

import io.etcd.jetcd.Client;
import io.github.loadbalancer4j.AbstractInstanceSource;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.etcd.internal.OwnedClient;
import io.github.loadbalancer4j.etcd.internal.PrefixWatcher;
import io.github.loadbalancer4j.internal.Durations;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instances of a service registered in etcd as keys under a prefix, one key per instance: the
 * layout of go-kit's {@code sd/etcdv3} (and of etcd's own gRPC naming), for instance
 * {@code /services/orders/10.0.1.10:8080 -> 10.0.1.10:8080}, usually written with a lease so that an
 * instance that stops renewing it disappears.
 *
 * <pre>{@code
 * EtcdInstanceSource orders = EtcdInstanceSource.builder("/services/orders/")
 *         .endpoints("http://etcd1:2379", "http://etcd2:2379", "http://etcd3:2379")
 *         .build();
 * LoadBalancer lb = LoadBalancer.of("orders", orders);
 * }</pre>
 *
 * <p>The source reads every key under the prefix once, then watches the prefix from the revision
 * after that read and pushes every change (a key put, deleted, or gone with its expired lease) to
 * its listeners as a whole list, in key order. Values become instances through an
 * {@link EtcdInstanceMapper} ({@link EtcdInstanceMapper#standard()} by default: {@code host:port},
 * an http(s) URI, or a JSON object with weight, zone and metadata).
 *
 * <p>Failures never empty the list. When the watch is lost (etcd stopped, the connection cut) the
 * last good list stays, an {@link EtcdDiscoveryException} is reported, and the watch is resumed from
 * the revision after the last change applied, so no change made meanwhile is missed or applied
 * twice; if etcd compacted that revision away, the prefix is read again in full. A read or a watch
 * that etcd does not answer within the request timeout is reported too (and still awaited). Once the
 * watch runs again the list is published again, even if nothing changed. A value that cannot be
 * read is skipped and reported as an {@link UnreadableEntryException}; the other instances are applied.
 *
 * <p>{@link #close()} cancels the watch, ends the source's thread and, when the source built the
 * client from endpoints, closes that client and waits for its threads. A client passed in stays open.
 */
public final class EtcdInstanceSource extends AbstractInstanceSource {

    /** How long a read, or the creation of a watch, may take before a failure is reported. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);

    /** The first delay before trying again after a failure. */
    public static final Duration DEFAULT_RETRY_DELAY = Duration.ofMillis(500);

    /** The longest delay before trying again; each failure in a row doubles the delay up to it. */
    public static final Duration DEFAULT_MAX_RETRY_DELAY = Duration.ofSeconds(30);

    /** How long {@link Builder#build()} waits for the first list by default. */
    public static final Duration DEFAULT_INITIAL_LOAD_TIMEOUT = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(EtcdInstanceSource.class);

    private final String prefix;
    private final @Nullable OwnedClient ownClient;
    private final PrefixWatcher watcher;
    private final Object closeLock = new Object();
    private boolean closed;

    private EtcdInstanceSource(Builder builder, Client client, @Nullable OwnedClient ownClient) {
        super(List.of());
        this.prefix = builder.prefix;
        this.ownClient = ownClient;
        PrefixWatcher.Settings settings = new PrefixWatcher.Settings(builder.requestTimeout, builder.retryDelay, builder.maxRetryDelay);
        this.watcher = new PrefixWatcher(client.getKVClient(), client.getWatchClient(), prefix, builder.mapper,
                new PrefixWatcher.Sink() {
                    @Override
                    public void instances(List<ServiceInstance> instances) {
                        publish(instances);
                    }

                    @Override
                    public void failure(EtcdDiscoveryException failure) {
                        publishFailure(failure);
                    }

                    @Override
                    public int currentSize() {
                        return EtcdInstanceSource.this.instances().size();
                    }
                }, settings);
    }

    /**
     * Starts a builder for the source of the keys under one prefix.
     *
     * @param prefix the key prefix the instances are registered under, e.g. {@code /services/orders/};
     *     end it with the separator, or {@code /services/orders} also matches {@code /services/orders-v2/...}
     * @return a builder
     * @throws IllegalArgumentException if the prefix is empty
     */
    public static Builder builder(String prefix) {
        return new Builder(prefix);
    }

    /** @return the key prefix followed */
    public String prefix() {
        return prefix;
    }

    /**
     * Registers a listener: it gets the current list at once and, as an
     * {@link UnreadableEntryException} each, the keys that are unreadable now (so a listener added
     * after the source started still learns of them); then every change and failure.
     *
     * @param listener the listener; exceptions it throws are caught
     * @return closing it unsubscribes the listener
     */
    @Override
    public Subscription subscribe(Listener listener) {
        Subscription subscription = super.subscribe(listener);
        for (UnreadableEntryException failure : watcher.currentUnreadable()) {
            try {
                listener.onDiscoveryFailure(failure);
            } catch (RuntimeException e) {
                LOG.warn("Instance source listener {} failed on a discovery failure", listener, e);
            }
        }
        return subscription;
    }

    /**
     * Stops following etcd: cancels the watch, ends the source's thread, and closes the client (waiting
     * for its threads) when the source built it. The last list stays readable. Closing again does nothing.
     */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            watcher.close();
        } finally {
            if (ownClient != null) {
                ownClient.close();
            }
            super.close();
        }
    }

    @Override
    public String toString() {
        return "EtcdInstanceSource{" + prefix + ", " + instances() + "}";
    }

    private void start(Duration initialLoadTimeout) {
        watcher.start();
        boolean loaded;
        try {
            loaded = watcher.awaitFirstList(initialLoadTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("Interrupted while waiting for the instances under prefix '" + prefix + "'", e);
        }
        if (!loaded && !initialLoadTimeout.isZero()) {
            LOG.warn("No instance list under prefix '{}' from etcd within {}; starting empty, the list follows when etcd answers",
                    prefix, initialLoadTimeout);
        }
    }

    /**
     * Builds an {@link EtcdInstanceSource}. Set exactly one of {@link #client(Client)} and
     * {@link #endpoints(String...)}. Every setter checks its argument at once; conflicting settings
     * fail in {@link #build()} with an {@link IllegalStateException}.
     */
    public static final class Builder {
        private final String prefix;
        private @Nullable Client client;
        private @Nullable List<URI> endpoints;
        private EtcdInstanceMapper mapper = EtcdInstanceMapper.standard();
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private Duration retryDelay = DEFAULT_RETRY_DELAY;
        private Duration maxRetryDelay = DEFAULT_MAX_RETRY_DELAY;
        private Duration initialLoadTimeout = DEFAULT_INITIAL_LOAD_TIMEOUT;

        private Builder(String prefix) {
            requireNonNull(prefix, "prefix");
            if (prefix.isEmpty()) {
                throw new IllegalArgumentException("prefix: '' (expected: a non-empty key prefix such as /services/orders/)");
            }
            this.prefix = prefix;
        }

        /**
         * Uses a client the application owns (with its TLS, authentication, namespace...);
         * {@link EtcdInstanceSource#close()} leaves it open.
         *
         * @param client a jetcd client
         * @return this builder
         */
        public Builder client(Client client) {
            this.client = requireNonNull(client, "client");
            return this;
        }

        /**
         * Builds a plain-text client of the source's own, closed with the source. For TLS or
         * authentication, build a jetcd {@link Client} and pass it to {@link #client(Client)}.
         *
         * @param endpoints one or more etcd members, each {@code http://host:port}
         * @return this builder
         * @throws IllegalArgumentException if there is no endpoint, or one is not {@code http://host:port}
         */
        public Builder endpoints(String... endpoints) {
            requireNonNull(endpoints, "endpoints");
            if (endpoints.length == 0) {
                throw new IllegalArgumentException("endpoints: [] (expected: at least one http://host:port)");
            }
            List<URI> uris = new ArrayList<>(endpoints.length);
            for (int i = 0; i < endpoints.length; i++) {
                uris.add(endpoint(requireNonNull(endpoints[i], "endpoints[" + i + "]")));
            }
            this.endpoints = List.copyOf(uris);
            return this;
        }

        /**
         * Sets how keys and values become instances.
         *
         * @param mapper the mapper; default {@link EtcdInstanceMapper#standard()}
         * @return this builder
         */
        public Builder mapper(EtcdInstanceMapper mapper) {
            this.mapper = requireNonNull(mapper, "mapper");
            return this;
        }

        /**
         * Sets how long the range read, or the creation of the watch, may take before the source
         * reports a failure. The request is not abandoned: its answer is still applied when it comes.
         *
         * @param requestTimeout {@code > 0}; default 5 s
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = checkPositive(requestTimeout, "requestTimeout");
            return this;
        }

        /**
         * Sets the delays before trying again after a failed read or a lost watch: the first one,
         * doubled after each failure in a row up to the longest, and back to the first after a success.
         *
         * @param retryDelay the first delay, {@code > 0}; default 500 ms
         * @param maxRetryDelay the longest delay, {@code >= retryDelay}; default 30 s
         * @return this builder
         * @throws IllegalArgumentException if a delay is not positive, or the longest is shorter than the first
         */
        public Builder retryDelay(Duration retryDelay, Duration maxRetryDelay) {
            checkPositive(retryDelay, "retryDelay");
            checkPositive(maxRetryDelay, "maxRetryDelay");
            if (maxRetryDelay.compareTo(retryDelay) < 0) {
                throw new IllegalArgumentException("maxRetryDelay: " + maxRetryDelay + " (expected: >= retryDelay " + retryDelay + ")");
            }
            this.retryDelay = retryDelay;
            this.maxRetryDelay = maxRetryDelay;
            return this;
        }

        /**
         * Sets how long {@link #build()} waits for the first list. When etcd does not answer in time
         * the source starts empty and fills in when it does; it never fails to build for that.
         *
         * @param initialLoadTimeout {@code >= 0}, 0 to return at once; default 5 s
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder initialLoadTimeout(Duration initialLoadTimeout) {
            this.initialLoadTimeout = Durations.requireNonNegative("initialLoadTimeout", initialLoadTimeout);
            return this;
        }

        /**
         * Builds and starts the source, waiting up to the initial load timeout for the first list.
         *
         * @return the source
         * @throws IllegalStateException if neither or both of client and endpoints were set
         */
        public EtcdInstanceSource build() {
            if (client == null && endpoints == null) {
                throw new IllegalStateException("Neither client(...) nor endpoints(...) was set (expected: exactly one)");
            }
            if (client != null && endpoints != null) {
                throw new IllegalStateException("Both client(...) and endpoints(...) were set (expected: exactly one)");
            }
            OwnedClient own = client == null ? OwnedClient.connect(requireNonNull(endpoints)) : null;
            Client c = own != null ? own.client() : requireNonNull(client);
            try {
                EtcdInstanceSource source = new EtcdInstanceSource(this, c, own);
                source.start(initialLoadTimeout);
                return source;
            } catch (RuntimeException e) {
                if (own != null) {
                    own.close();
                }
                throw e;
            }
        }

        private static URI endpoint(String endpoint) {
            String expected = "(expected: http://host:port; for TLS or authentication pass a jetcd Client to client(...))";
            URI uri;
            try {
                uri = new URI(endpoint.trim());
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("endpoint: '" + endpoint + "' " + expected, e);
            }
            if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || uri.getPort() == -1) {
                throw new IllegalArgumentException("endpoint: '" + endpoint + "' " + expected);
            }
            if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")
                    || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new IllegalArgumentException("endpoint: '" + endpoint + "' " + expected + ", without a path or query");
            }
            return uri;
        }

        private static Duration checkPositive(Duration d, String name) {
            return Durations.requirePositive(name, d);
        }
    }
}
