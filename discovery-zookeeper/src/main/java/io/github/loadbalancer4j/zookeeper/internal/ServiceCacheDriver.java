package io.github.loadbalancer4j.zookeeper.internal;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.internal.DaemonThreads;
import io.github.loadbalancer4j.zookeeper.UnreadableRegistrationException;
import io.github.loadbalancer4j.zookeeper.ZookeeperDiscoveryException;
import io.github.loadbalancer4j.zookeeper.ZookeeperInstanceMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.curator.utils.ZKPaths;
import org.apache.curator.x.discovery.ServiceCache;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.details.ServiceCacheListener;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a Curator {@link ServiceCache} of one service and turns its changes and the client's
 * connection states into whole lists and failures for the source.
 *
 * <p>All work (starting the cache, rebuilding the list, reporting) runs on one daemon thread of its
 * own, so it is serialized, and neither Curator's event threads nor the caller of {@code build()}
 * block on ZooKeeper or on the load balancers' listeners. The cache is started once the client is
 * connected; a start that fails (the connection dropped meanwhile) is retried at the next
 * (re)connection.
 */
public final class ServiceCacheDriver implements AutoCloseable {

    /** Where the driver delivers what it learns. */
    public interface Sink {
        /**
         * A new whole list.
         *
         * @param instances the readable, included instances, sorted by id
         */
        void instances(List<ServiceInstance> instances);

        /**
         * A failure: connection suspended or lost, a node unreadable, the cache not startable.
         *
         * @param failure what happened
         */
        void failure(ZookeeperDiscoveryException failure);

        /** @return how many instances the source holds now, for messages */
        int currentSize();
    }

    private static final Logger LOG = LoggerFactory.getLogger(ServiceCacheDriver.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final Comparator<ServiceInstance> BY_ID = Comparator.comparing(ServiceInstance::id);

    private final CuratorFramework client;
    private final String serviceName;
    private final String servicePath;
    private final Sink sink;
    private final ServiceDiscovery<ReadResult> discovery;
    private final DaemonThreads threads;
    private final ExecutorService executor;
    private final CompletableFuture<Void> firstList = new CompletableFuture<>();
    private final AtomicBoolean refreshPending = new AtomicBoolean();
    private final ConnectionStateListener connectionListener = this::connectionChanged;
    private final ServiceCacheListener cacheListener = new ServiceCacheListener() {
        @Override
        public void cacheChanged() {
            // A burst of changes makes one refresh: the flag is cleared before the cache is read, so
            // a change after that read schedules another.
            if (refreshPending.compareAndSet(false, true)) {
                submit(() -> {
                    refreshPending.set(false);
                    refresh();
                });
            }
        }

        @Override
        public void stateChanged(CuratorFramework c, ConnectionState newState) {
            // Connection states are watched on the client directly, across cache restarts.
        }
    };

    private final Object lock = new Object();
    // Guarded by lock.
    private @Nullable ServiceCache<ReadResult> cache;
    private boolean closed;
    // Only touched on the executor thread.
    private Set<ReadResult> reported = Collections.newSetFromMap(new IdentityHashMap<>());
    private volatile List<UnreadableRegistrationException> unreadable = List.of();

    /**
     * Creates the driver; nothing happens before {@link #start()}.
     *
     * @param client a started client; not closed by the driver
     * @param basePath the discovery base path, e.g. {@code /services}
     * @param serviceName the service's name
     * @param mapper turns registrations into instances
     * @param sink receives lists and failures
     */
    public ServiceCacheDriver(CuratorFramework client, String basePath, String serviceName,
            ZookeeperInstanceMapper mapper, Sink sink) {
        this.client = requireNonNull(client, "client");
        this.serviceName = requireNonNull(serviceName, "serviceName");
        this.servicePath = ZKPaths.makePath(basePath, serviceName);
        this.sink = requireNonNull(sink, "sink");
        this.discovery = ServiceDiscoveryBuilder.builder(ReadResult.class)
                .client(client)
                .basePath(basePath)
                .serializer(new RegistrationReader(serviceName, servicePath, mapper))
                .watchInstances(false)
                .build();
        int n = THREADS.incrementAndGet();
        this.threads = DaemonThreads.named("loadbalancer4j-zookeeper-" + serviceName + "-" + n);
        this.executor = Executors.newSingleThreadExecutor(threads);
    }

    /** @return the ZooKeeper path watched, e.g. {@code /services/orders} */
    public String servicePath() {
        return servicePath;
    }

    /** Starts watching: now when the client is connected, else at its first connection. */
    public void start() {
        client.getConnectionStateListenable().addListener(connectionListener);
        submit(this::startOrRefresh);
    }

    /**
     * Waits for the first list to be delivered.
     *
     * @param timeoutMillis how long to wait at most
     * @return whether the first list was delivered in time
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitFirstList(long timeoutMillis) throws InterruptedException {
        try {
            firstList.get(timeoutMillis, TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException | CancellationException e) {
            return false;
        }
    }

    private void connectionChanged(CuratorFramework c, ConnectionState state) {
        switch (state) {
            case CONNECTED:
            case RECONNECTED:
                submit(this::startOrRefresh);
                break;
            case SUSPENDED:
                submit(() -> sink.failure(new ZookeeperDiscoveryException("Connection to ZooKeeper suspended while watching "
                        + servicePath + "; keeping the last " + sink.currentSize() + " instances", null)));
                break;
            case LOST:
                submit(() -> sink.failure(new ZookeeperDiscoveryException("ZooKeeper session lost while watching "
                        + servicePath + "; keeping the last " + sink.currentSize() + " instances until reconnected", null)));
                break;
            default:
                break;
        }
    }

    private void startOrRefresh() {
        ServiceCache<ReadResult> started;
        synchronized (lock) {
            if (closed) {
                return;
            }
            started = cache;
        }
        if (started != null) {
            refresh();
        } else if (client.getZookeeperClient().isConnected()) {
            startCache();
        }
    }

    @SuppressWarnings("deprecation") // threadFactory(null): no executor, which CuratorCache would ignore anyway
    private void startCache() {
        ServiceCache<ReadResult> created = discovery.serviceCacheBuilder().name(serviceName).threadFactory(null).build();
        created.addListener(cacheListener);
        synchronized (lock) {
            if (closed) {
                return;
            }
            cache = created;
        }
        try {
            created.startImmediate().await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            synchronized (lock) {
                if (cache == created) {
                    cache = null;
                }
            }
            closeQuietly(created);
            if (!isClosed()) {
                sink.failure(new ZookeeperDiscoveryException("Could not start watching " + servicePath
                        + " (will try again at the next connection): " + e, e));
            }
            return;
        }
        refresh();
    }

    private void refresh() {
        ServiceCache<ReadResult> current;
        synchronized (lock) {
            if (closed || cache == null) {
                return;
            }
            current = cache;
        }
        List<ServiceInstance> instances = new ArrayList<>();
        Set<ReadResult> failed = Collections.newSetFromMap(new IdentityHashMap<>());
        for (org.apache.curator.x.discovery.ServiceInstance<ReadResult> entry : current.getInstances()) {
            ReadResult result = entry.getPayload();
            if (result.failure() != null) {
                failed.add(result);
            } else if (result.instance() != null) {
                instances.add(result.instance());
            }
        }
        instances.sort(BY_ID);
        List<UnreadableRegistrationException> failures = new ArrayList<>(failed.size());
        for (ReadResult result : failed) {
            failures.add(requireNonNull(result.failure()));
        }
        unreadable = List.copyOf(failures);
        sink.instances(instances);
        for (ReadResult result : failed) {
            if (!reported.contains(result)) {
                sink.failure(requireNonNull(result.failure()));
            }
        }
        reported = failed;
        firstList.complete(null);
    }

    /** @return the failures of the nodes that are unreadable now, for listeners that subscribe later */
    public List<UnreadableRegistrationException> currentUnreadable() {
        return unreadable;
    }

    private boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    private void submit(Runnable task) {
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.warn("ZooKeeper discovery of {} failed", servicePath, e);
                }
            });
        } catch (RejectedExecutionException e) {
            // closed: nothing more to do
        }
    }

    /**
     * Stops watching: removes the connection listener, closes the service cache (which removes its
     * ZooKeeper watch) and the discovery, and ends the driver's thread. The client is left open.
     */
    @Override
    public void close() {
        ServiceCache<ReadResult> toClose;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = cache;
            cache = null;
        }
        client.getConnectionStateListenable().removeListener(connectionListener);
        threads.shutdownAndJoin(executor, true, Duration.ofSeconds(5));
        if (toClose != null) {
            closeQuietly(toClose);
        }
        try {
            discovery.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("Closing the service discovery of {} failed", servicePath, e);
        }
        firstList.cancel(false);
    }

    private void closeQuietly(ServiceCache<ReadResult> c) {
        try {
            c.removeListener(cacheListener);
            c.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("Closing the service cache of {} failed", servicePath, e);
        }
    }

    @Override
    public String toString() {
        return "ServiceCacheDriver{" + servicePath + "}";
    }
}
