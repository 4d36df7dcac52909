package io.github.loadbalancer4j.kubernetes;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.loadbalancer4j.AbstractInstanceSource;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.internal.Durations;
import io.github.loadbalancer4j.kubernetes.internal.EndpointSliceReader;
import io.github.loadbalancer4j.kubernetes.internal.EndpointSliceWatch;
import io.github.loadbalancer4j.kubernetes.internal.OwnedClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ready endpoints of a Kubernetes Service, from its EndpointSlices ({@code discovery.k8s.io/v1}).
 *
 * <pre>{@code
 * KubernetesInstanceSource orders = KubernetesInstanceSource.builder("orders")
 *         .namespace("shop")
 *         .port("http")
 *         .build();
 * LoadBalancer lb = LoadBalancer.of("orders", orders);
 * }</pre>
 *
 * <p>The source runs a fabric8 informer on the slices labelled
 * {@value #SERVICE_NAME_LABEL}{@code =<service>} in the namespace, merges every slice of the Service,
 * and gives one instance per address of each endpoint that takes traffic ({@code ready}, or also
 * serving while terminating when asked), on the chosen port, with the endpoint's {@code zone} as the
 * instance's zone and its pod and node names as metadata. Every change to a slice is pushed to the
 * listeners as a whole list.
 *
 * <p>Failures never empty the list: when the slices cannot be listed or the watch stays lost, the last
 * good list stays and a {@link KubernetesDiscoveryException} is reported; when the API server answers
 * again the list is published again, then changes flow. A Service without any slice (it does not
 * exist, for instance) gets an empty list and a {@link NoEndpointSlicesException}; a slice that cannot
 * be used is skipped and reported as an {@link UnusableEndpointSliceException}.
 *
 * <p>{@link #close()} stops the informer, ends the source's thread and, when the source built the
 * client, closes it and waits for its threads. A client passed in stays open.
 */
public final class KubernetesInstanceSource extends AbstractInstanceSource {

    /** The label that ties an EndpointSlice to its Service. */
    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    /** The metadata key of the endpoint's pod name (its {@code targetRef} of kind Pod). */
    public static final String POD_NAME_METADATA_KEY = "k8s.pod.name";

    /** The metadata key of the endpoint's node name. */
    public static final String NODE_NAME_METADATA_KEY = "k8s.node.name";

    /** The namespace used when neither the builder nor the client names one. */
    public static final String DEFAULT_NAMESPACE = "default";

    /** How often the informer replays its cache through the source by default. */
    public static final Duration DEFAULT_RESYNC_PERIOD = Duration.ofMinutes(5);

    /** How long the watch may be down before the source reports it, by default. */
    public static final Duration DEFAULT_WATCH_LOSS_GRACE = Duration.ofSeconds(3);

    /** How long {@link Builder#build()} waits for the first list by default. */
    public static final Duration DEFAULT_INITIAL_LOAD_TIMEOUT = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesInstanceSource.class);
    private static final AtomicInteger SOURCES = new AtomicInteger();
    // A Service name is a DNS-1035 label; a namespace and a port name are DNS-1123 labels.
    private static final Pattern DNS_1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final String DNS_1123_RULE = "at most 63 lowercase letters, digits and '-', starting and ending with a"
            + " letter or digit";

    private final String namespace;
    private final String serviceName;
    private final Object closeLock = new Object();
    // Both dropped at close, so that a closed source holds no client.
    private volatile @Nullable EndpointSliceWatch watch;
    private volatile @Nullable OwnedClient ownedClient;
    private boolean closed;

    private KubernetesInstanceSource(String namespace, String serviceName) {
        super(List.of());
        this.namespace = namespace;
        this.serviceName = serviceName;
    }

    /**
     * Starts a builder for the source of one Service.
     *
     * @param serviceName the Service's name, e.g. {@code orders}
     * @return a builder
     * @throws IllegalArgumentException if the name is not a valid Service name
     */
    public static Builder builder(String serviceName) {
        return new Builder(serviceName);
    }

    /** @return the namespace of the Service */
    public String namespace() {
        return namespace;
    }

    /** @return the name of the Service */
    public String serviceName() {
        return serviceName;
    }

    /** Whether the informer's watch on the API server is open now; for tests. */
    boolean isWatching() {
        EndpointSliceWatch current = watch;
        return current != null && current.isWatching();
    }

    /**
     * What is wrong with the Service's slices now (none at all, a skipped slice or address, a port no
     * slice has), each a {@link KubernetesDiscoveryException}: a listener that subscribes after the
     * source started is told of them right after its initial list.
     *
     * @return the standing problems; empty when there are none or the source is closed
     */
    @Override
    protected List<KubernetesDiscoveryException> standingFailures() {
        EndpointSliceWatch current = watch;
        return current == null ? List.of() : current.currentProblems();
    }

    /**
     * Stops watching: stops the informer, ends the source's thread and, when the source built the
     * client, closes it and waits for its threads. The last list stays readable. Closing again does
     * nothing.
     */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        EndpointSliceWatch toClose = watch;
        OwnedClient own = ownedClient;
        watch = null;
        ownedClient = null;
        try {
            if (toClose != null) {
                toClose.close();
            }
        } finally {
            try {
                if (own != null) {
                    own.close();
                }
            } finally {
                super.close();
            }
        }
    }

    @Override
    public String toString() {
        return "KubernetesInstanceSource{" + namespace + "/" + serviceName + ", " + instances() + "}";
    }

    private void start(EndpointSliceWatch created, Duration initialLoadTimeout) {
        watch = created;
        created.start();
        boolean loaded;
        try {
            loaded = created.awaitFirstList(initialLoadTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("Interrupted while waiting for the EndpointSlices of " + namespace + "/" + serviceName, e);
        }
        if (!loaded && !initialLoadTimeout.isZero()) {
            LOG.warn("No EndpointSlices of {}/{} within {}; starting empty, the list follows when the API server answers",
                    namespace, serviceName, initialLoadTimeout);
        }
    }

    /**
     * Builds a {@link KubernetesInstanceSource}. Every setter checks its argument at once; conflicting
     * settings fail in {@link #build()} with an {@link IllegalStateException}.
     */
    public static final class Builder {
        private final String serviceName;
        private @Nullable String namespace;
        private @Nullable KubernetesClient client;
        private @Nullable Config config;
        private @Nullable String portName;
        private int portNumber;
        private boolean includeServingTerminating;
        private boolean secure;
        private Duration resyncPeriod = DEFAULT_RESYNC_PERIOD;
        private Duration watchLossGrace = DEFAULT_WATCH_LOSS_GRACE;
        private Duration initialLoadTimeout = DEFAULT_INITIAL_LOAD_TIMEOUT;

        private Builder(String serviceName) {
            this.serviceName = checkLabel(serviceName, "serviceName", DNS_1035_LABEL,
                    "a Service name: at most 63 lowercase letters, digits and '-', starting with a letter and ending with a"
                            + " letter or digit");
        }

        /**
         * Sets the namespace of the Service.
         *
         * @param namespace a namespace name; default the client's namespace (its kubeconfig context, or
         *     the pod's own namespace in a cluster), else {@value KubernetesInstanceSource#DEFAULT_NAMESPACE}
         * @return this builder
         * @throws IllegalArgumentException if the name is not a valid namespace name
         */
        public Builder namespace(String namespace) {
            this.namespace = checkLabel(namespace, "namespace", DNS_1123_LABEL, "a namespace name: " + DNS_1123_RULE);
            return this;
        }

        /**
         * Watches through this client, which stays the application's: the source never closes it.
         *
         * @param client an open fabric8 client
         * @return this builder
         */
        public Builder client(KubernetesClient client) {
            this.client = requireNonNull(client, "client");
            return this;
        }

        /**
         * Builds a client of the source's own from this configuration, closed with the source. Without
         * {@code client(...)} nor {@code config(...)}, the source builds its own client from fabric8's
         * auto-configuration: the kubeconfig file, or the pod's service account inside a cluster.
         *
         * @param config a fabric8 client configuration
         * @return this builder
         */
        public Builder config(Config config) {
            this.config = requireNonNull(config, "config");
            return this;
        }

        /**
         * Takes the port with this name in each slice (the name of the Service's port). A slice
         * without it gives no instances: Kubernetes groups endpoints by port set, so its endpoints do
         * not serve that port. When no slice with endpoints has it, that is reported.
         *
         * @param portName the port's name, e.g. {@code http}
         * @return this builder
         * @throws IllegalArgumentException if the name is not a valid port name
         */
        public Builder port(String portName) {
            this.portName = checkLabel(portName, "portName", DNS_1123_LABEL, "a port name: " + DNS_1123_RULE);
            return this;
        }

        /**
         * Takes the port with this number in each slice: the endpoints' own (target) port as the
         * slice lists it, not the Service's port. A slice that lists ports but not this one gives no
         * instances; a slice that lists none (ports not restricted) gives this one.
         *
         * @param portNumber 1-65535
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder port(int portNumber) {
            if (portNumber < 1 || portNumber > 65535) {
                throw new IllegalArgumentException("portNumber: " + portNumber + " (expected: 1-65535)");
            }
            this.portNumber = portNumber;
            return this;
        }

        /**
         * Also takes the endpoints that are terminating but still serving ({@code serving: true,
         * terminating: true}), as kube-proxy does for a Service with no ready endpoint left. By
         * default only {@code ready} endpoints are taken.
         *
         * @param includeServingTerminating true to take them too; default false
         * @return this builder
         */
        public Builder includeServingTerminating(boolean includeServingTerminating) {
            this.includeServingTerminating = includeServingTerminating;
            return this;
        }

        /**
         * Makes the instances https ({@link ServiceInstance#secure()}).
         *
         * @param secure true for https; default false
         * @return this builder
         */
        public Builder secure(boolean secure) {
            this.secure = secure;
            return this;
        }

        /**
         * Sets how often the informer replays its cache of slices through the source; a list is
         * published only when it changed.
         *
         * @param resyncPeriod zero for none, else at least 1 s; default 5 min
         * @return this builder
         * @throws IllegalArgumentException if negative, between 0 and 1 s, or longer than a count of nanoseconds holds
         */
        public Builder resyncPeriod(Duration resyncPeriod) {
            requireNonNull(resyncPeriod, "resyncPeriod");
            this.resyncPeriod = resyncPeriod.isZero() ? resyncPeriod
                    : Durations.requireAtLeast("resyncPeriod", resyncPeriod, Duration.ofSeconds(1), "0 for none, or >= 1 s");
            return this;
        }

        /**
         * Sets how long the watch on the API server may be down before the source reports a discovery
         * failure. The informer restarts its watch now and then (a server-side timeout), which takes
         * about a second; a shorter grace would report those.
         *
         * @param watchLossGrace {@code > 0}; default 3 s
         * @return this builder
         * @throws IllegalArgumentException if not positive, or longer than a count of nanoseconds holds
         */
        public Builder watchLossGrace(Duration watchLossGrace) {
            this.watchLossGrace = Durations.requirePositive("watchLossGrace", watchLossGrace);
            return this;
        }

        /**
         * Sets how long {@link #build()} waits for the first list. When the API server does not answer
         * in time the source starts empty and fills in when it does; it never fails to build for that.
         *
         * @param initialLoadTimeout {@code >= 0}, 0 to return at once; default 5 s
         * @return this builder
         * @throws IllegalArgumentException if negative, or longer than a count of nanoseconds holds
         */
        public Builder initialLoadTimeout(Duration initialLoadTimeout) {
            this.initialLoadTimeout = Durations.requireNonNegative("initialLoadTimeout", initialLoadTimeout);
            return this;
        }

        /**
         * Builds and starts the source, waiting up to the initial load timeout for the first list.
         *
         * @return the source
         * @throws IllegalStateException if both {@code client(...)} and {@code config(...)}, or both
         *     {@code port(String)} and {@code port(int)}, were set, or if the client is closed
         * @throws io.fabric8.kubernetes.client.KubernetesClientException if the source's own client
         *     cannot be configured (no kubeconfig nor service account, a bad certificate)
         */
        public KubernetesInstanceSource build() {
            if (client != null && config != null) {
                throw new IllegalStateException("Both client(...) and config(...) were set (expected: at most one)");
            }
            if (portName != null && portNumber != 0) {
                throw new IllegalStateException("Both port(String) and port(int) were set (expected: at most one)");
            }
            if (client != null && client.getHttpClient().isClosed()) {
                throw new IllegalStateException("client: closed (expected: an open KubernetesClient)");
            }
            String threadPrefix = "loadbalancer4j-kubernetes-" + serviceName + "-" + SOURCES.incrementAndGet();
            OwnedClient own = client == null ? new OwnedClient(config, threadPrefix) : null;
            KubernetesClient c = own != null ? own.client() : requireNonNull(client);
            try {
                String ns = namespace != null ? namespace : c.getNamespace() != null ? c.getNamespace() : DEFAULT_NAMESPACE;
                KubernetesInstanceSource source = new KubernetesInstanceSource(ns, serviceName);
                source.ownedClient = own;
                EndpointSliceReader reader = new EndpointSliceReader(ns, serviceName, portName, portNumber,
                        includeServingTerminating, secure);
                EndpointSliceWatch created = new EndpointSliceWatch(c, ns, serviceName, reader, resyncPeriod, watchLossGrace,
                        threadPrefix, source.new Sink());
                source.start(created, initialLoadTimeout);
                return source;
            } catch (RuntimeException e) {
                if (own != null) {
                    own.close();
                }
                throw e;
            }
        }
    }

    /** Kubernetes names are DNS labels (the patterns also hold their 63-character limit). */
    private static String checkLabel(String value, String name, Pattern label, String expected) {
        requireNonNull(value, name);
        if (!label.matcher(value).matches()) {
            throw new IllegalArgumentException(name + ": '" + value + "' (expected: " + expected + ")");
        }
        return value;
    }

    /** The driver's way into this source. */
    private final class Sink implements EndpointSliceWatch.Sink {
        @Override
        public void instances(List<ServiceInstance> instances) {
            publish(instances);
        }

        @Override
        public void failure(KubernetesDiscoveryException failure) {
            publishFailure(failure);
        }

        @Override
        public int currentSize() {
            return KubernetesInstanceSource.this.instances().size();
        }
    }
}
