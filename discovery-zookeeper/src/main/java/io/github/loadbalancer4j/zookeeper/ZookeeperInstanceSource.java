package io.github.loadbalancer4j.zookeeper;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.AbstractInstanceSource;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.internal.DaemonThreads;
import io.github.loadbalancer4j.internal.Durations;
import io.github.loadbalancer4j.zookeeper.internal.ServiceCacheDriver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.RetryPolicy;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.utils.PathUtils;
import org.apache.zookeeper.client.ConnectStringParser;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instances of a service registered in ZooKeeper with Curator's {@code ServiceDiscovery}: the
 * JSON {@code ServiceInstance} nodes under {@code <basePath>/<serviceName>} that Curator, Spring
 * Cloud Zookeeper and others write.
 *
 * <pre>{@code
 * ZookeeperInstanceSource orders = ZookeeperInstanceSource.builder("orders")
 *         .connectString("zk1:2181,zk2:2181,zk3:2181")
 *         .build();
 * LoadBalancer lb = LoadBalancer.of("orders", orders);
 * }</pre>
 *
 * <p>The source keeps a Curator {@code ServiceCache} of the service and pushes every change (a
 * registration added, changed or removed, an ephemeral registration gone with its session) to its
 * listeners as a whole list. Registrations become instances through a {@link ZookeeperInstanceMapper}
 * ({@link ZookeeperInstanceMapper#standard()} by default: address, port or ssl port, weight, zone
 * and metadata from the payload).
 *
 * <p>Failures never empty the list: when the connection is suspended or the session lost, the last
 * good list stays and a {@link ZookeeperDiscoveryException} is reported; when the connection comes
 * back the cache catches up and changes flow again. A node that cannot be read is skipped and
 * reported as an {@link UnreadableRegistrationException}; the other instances are applied.
 *
 * <p>{@link #close()} removes the source's watch and listeners, ends its thread and, when the source
 * built the client from a connect string, closes that client. A client passed in stays open.
 */
public final class ZookeeperInstanceSource extends AbstractInstanceSource {

    /** The base path Curator's and Spring Cloud Zookeeper's service discovery use by default. */
    public static final String DEFAULT_BASE_PATH = "/services";

    /** Session timeout of a client built from a connect string (Curator's default). */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(60);

    /** Connection timeout of a client built from a connect string (Curator's default). */
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(15);

    /** How long {@link Builder#build()} waits for the first list by default. */
    public static final Duration DEFAULT_INITIAL_LOAD_TIMEOUT = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(ZookeeperInstanceSource.class);
    private static final AtomicInteger CLIENTS = new AtomicInteger();

    private final String serviceName;
    private final CuratorFramework client;
    private final @Nullable ExecutorService ownNotifyExecutor;
    private final @Nullable DaemonThreads ownNotifyThreads;
    private final ServiceCacheDriver driver;
    private final Object closeLock = new Object();
    private boolean closed;

    private ZookeeperInstanceSource(Builder builder, CuratorFramework client, @Nullable ExecutorService ownNotifyExecutor,
            @Nullable DaemonThreads ownNotifyThreads) {
        super(List.of());
        this.serviceName = builder.serviceName;
        this.client = client;
        this.ownNotifyExecutor = ownNotifyExecutor;
        this.ownNotifyThreads = ownNotifyThreads;
        this.driver = new ServiceCacheDriver(client, builder.basePath, serviceName, builder.mapper, new ServiceCacheDriver.Sink() {
            @Override
            public void instances(List<ServiceInstance> instances) {
                publish(instances);
            }

            @Override
            public void failure(ZookeeperDiscoveryException failure) {
                publishFailure(failure);
            }

            @Override
            public int currentSize() {
                return ZookeeperInstanceSource.this.instances().size();
            }
        });
    }

    /**
     * Starts a builder for the source of one service.
     *
     * @param serviceName the name the service registers under, e.g. {@code orders} (Spring Cloud:
     *     {@code spring.application.name})
     * @return a builder
     * @throws IllegalArgumentException if the name is blank or contains '/'
     */
    public static Builder builder(String serviceName) {
        return new Builder(serviceName);
    }

    /** @return the service's name */
    public String serviceName() {
        return serviceName;
    }

    /** @return the ZooKeeper path watched, e.g. {@code /services/orders} */
    public String servicePath() {
        return driver.servicePath();
    }

    /**
     * The nodes that are unreadable now, one {@link UnreadableRegistrationException} each: a listener
     * that subscribes is told of them after the list.
     *
     * @return the failures of the nodes unreadable now
     */
    @Override
    protected List<UnreadableRegistrationException> standingFailures() {
        return driver.currentUnreadable();
    }

    /**
     * Stops watching ZooKeeper: removes the watch and listeners, ends the source's thread, and closes
     * the client when the source built it. The last list stays readable. Closing again does nothing.
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
            driver.close();
        } finally {
            if (ownNotifyExecutor != null && ownNotifyThreads != null) {
                client.close();
                // Curator never shuts down its notification executor; the source's own one ends here.
                ownNotifyThreads.shutdownAndJoin(ownNotifyExecutor, false, Duration.ofSeconds(5));
            }
            super.close();
        }
    }

    @Override
    public String toString() {
        return "ZookeeperInstanceSource{" + servicePath() + ", " + instances() + "}";
    }

    private void start(Duration initialLoadTimeout) {
        driver.start();
        boolean loaded;
        try {
            loaded = driver.awaitFirstList(initialLoadTimeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("Interrupted while waiting for the instances of " + servicePath(), e);
        }
        if (!loaded && !initialLoadTimeout.isZero()) {
            LOG.warn("No instance list for {} from ZooKeeper within {}; starting empty, the list follows when ZooKeeper answers",
                    servicePath(), initialLoadTimeout);
        }
    }

    /**
     * Builds a {@link ZookeeperInstanceSource}. Set exactly one of {@link #client(CuratorFramework)}
     * and {@link #connectString(String)}. Every setter checks its argument at once; conflicting
     * settings fail in {@link #build()} with an {@link IllegalStateException}.
     */
    public static final class Builder {
        private final String serviceName;
        private @Nullable CuratorFramework client;
        private @Nullable String connectString;
        private String basePath = DEFAULT_BASE_PATH;
        private ZookeeperInstanceMapper mapper = ZookeeperInstanceMapper.standard();
        private @Nullable Duration sessionTimeout;
        private @Nullable Duration connectionTimeout;
        private @Nullable RetryPolicy retryPolicy;
        private Duration initialLoadTimeout = DEFAULT_INITIAL_LOAD_TIMEOUT;

        private Builder(String serviceName) {
            requireNonNull(serviceName, "serviceName");
            if (serviceName.isBlank() || serviceName.indexOf('/') >= 0) {
                throw new IllegalArgumentException("serviceName: '" + serviceName
                        + "' (expected: a non-blank name without '/')");
            }
            this.serviceName = serviceName;
        }

        /**
         * Uses a client the application owns; {@link ZookeeperInstanceSource#close()} leaves it open.
         *
         * @param client a started Curator client
         * @return this builder
         */
        public Builder client(CuratorFramework client) {
            this.client = requireNonNull(client, "client");
            return this;
        }

        /**
         * Builds and starts a client of the source's own, closed with the source.
         *
         * @param connectString ZooKeeper servers, e.g. {@code zk1:2181,zk2:2181/chroot}
         * @return this builder
         * @throws IllegalArgumentException if the string is blank
         */
        public Builder connectString(String connectString) {
            requireNonNull(connectString, "connectString");
            if (connectString.isBlank()) {
                throw new IllegalArgumentException("connectString: '" + connectString
                        + "' (expected: host:port[,host:port...][/chroot])");
            }
            try {
                new ConnectStringParser(connectString.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("connectString: '" + connectString
                        + "' (expected: host:port[,host:port...][/chroot]): " + e.getMessage(), e);
            }
            this.connectString = connectString.trim();
            return this;
        }

        /**
         * Sets the base path services are registered under.
         *
         * @param basePath an absolute ZooKeeper path; default {@value ZookeeperInstanceSource#DEFAULT_BASE_PATH}
         * @return this builder
         * @throws IllegalArgumentException if the path is not a valid absolute ZooKeeper path
         */
        public Builder basePath(String basePath) {
            requireNonNull(basePath, "basePath");
            try {
                PathUtils.validatePath(basePath);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("basePath: '" + basePath + "' (expected: an absolute ZooKeeper path such as /services): "
                        + e.getMessage(), e);
            }
            this.basePath = basePath;
            return this;
        }

        /**
         * Sets how registrations become instances.
         *
         * @param mapper the mapper; default {@link ZookeeperInstanceMapper#standard()}
         * @return this builder
         */
        public Builder mapper(ZookeeperInstanceMapper mapper) {
            this.mapper = requireNonNull(mapper, "mapper");
            return this;
        }

        /**
         * Sets the session timeout of the client built from {@link #connectString(String)}: how long
         * ZooKeeper keeps the session while the connection is down.
         *
         * @param sessionTimeout {@code > 0}; default 60 s
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder sessionTimeout(Duration sessionTimeout) {
            this.sessionTimeout = checkPositive(sessionTimeout, "sessionTimeout");
            return this;
        }

        /**
         * Sets the connection timeout of the client built from {@link #connectString(String)}.
         *
         * @param connectionTimeout {@code > 0}; default 15 s
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder connectionTimeout(Duration connectionTimeout) {
            this.connectionTimeout = checkPositive(connectionTimeout, "connectionTimeout");
            return this;
        }

        /**
         * Sets the retry policy of the client built from {@link #connectString(String)}.
         *
         * @param retryPolicy the policy; default exponential backoff from 1 s, 3 retries
         * @return this builder
         */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        /**
         * Sets how long {@link #build()} waits for the first list. When ZooKeeper does not answer in
         * time the source starts empty and fills in when it does; it never fails to build for that.
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
         * @throws IllegalStateException if neither or both of client and connect string were set, if
         *     client settings were given with a client, or if the client is not started or closed
         */
        public ZookeeperInstanceSource build() {
            if (client == null && connectString == null) {
                throw new IllegalStateException("Neither client(...) nor connectString(...) was set (expected: exactly one)");
            }
            if (client != null && connectString != null) {
                throw new IllegalStateException("Both client(...) and connectString(...) were set (expected: exactly one)");
            }
            CuratorFramework c;
            ExecutorService notifyExecutor;
            DaemonThreads notifyThreads;
            if (client != null) {
                String ownOnly = sessionTimeout != null ? "sessionTimeout(...)"
                        : connectionTimeout != null ? "connectionTimeout(...)"
                        : retryPolicy != null ? "retryPolicy(...)" : null;
                if (ownOnly != null) {
                    throw new IllegalStateException(ownOnly + " conflicts with client(...): it applies only to the client built"
                            + " from connectString(...); configure the CuratorFramework you pass instead");
                }
                CuratorFrameworkState state = client.getState();
                if (state != CuratorFrameworkState.STARTED) {
                    throw new IllegalStateException("client: " + state + " (expected: a STARTED CuratorFramework; call start() first)");
                }
                c = client;
                notifyExecutor = null;
                notifyThreads = null;
            } else {
                Duration session = sessionTimeout != null ? sessionTimeout : DEFAULT_SESSION_TIMEOUT;
                Duration connection = connectionTimeout != null ? connectionTimeout : DEFAULT_CONNECTION_TIMEOUT;
                int n = CLIENTS.incrementAndGet();
                notifyThreads = DaemonThreads.named("loadbalancer4j-zookeeper-" + serviceName + "-notify-" + n);
                notifyExecutor = Executors.newSingleThreadExecutor(notifyThreads);
                c = CuratorFrameworkFactory.builder()
                        .connectString(requireNonNull(connectString))
                        .sessionTimeoutMs(toIntMillis(session))
                        .connectionTimeoutMs(toIntMillis(connection))
                        .retryPolicy(retryPolicy != null ? retryPolicy : new ExponentialBackoffRetry(1000, 3))
                        // close() waits for ZooKeeper's own threads, so a closed source leaves none behind
                        .waitForShutdownTimeoutMs(toIntMillis(connection))
                        .runSafeService(notifyExecutor)
                        .build();
            }
            try {
                if (notifyExecutor != null) {
                    c.start();
                }
                ZookeeperInstanceSource source = new ZookeeperInstanceSource(this, c, notifyExecutor, notifyThreads);
                source.start(initialLoadTimeout);
                return source;
            } catch (RuntimeException e) {
                if (notifyExecutor != null) {
                    c.close();
                    notifyExecutor.shutdownNow();
                }
                throw e;
            }
        }

        private static Duration checkPositive(Duration d, String name) {
            Durations.requirePositive(name, d);
            if (d.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(name + ": " + d + " (expected: <= " + Integer.MAX_VALUE + " ms)");
            }
            return d;
        }

        private static int toIntMillis(Duration d) {
            return (int) Math.max(1, d.toMillis());
        }
    }
}
