package io.github.loadbalancer4j.okhttp.internal;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.ServiceInstance;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;

/**
 * One OkHttp {@link ConnectionPool} per instance of a load balancer, so that when an instance leaves
 * the list its idle connections can be closed at once. OkHttp's public API closes connections only a
 * whole pool at a time ({@link ConnectionPool#evictAll()}, which leaves connections in use alone);
 * it offers no way to close the connections of one address in a shared pool, and its
 * {@code ConnectionListener} is internal. A pool per instance (given to each attempt with
 * {@code Chain.withConnectionPool}, OkHttp 5.4+) makes "the instance's idle connections" one
 * {@code evictAll()}.
 *
 * <p>Pools are made on an instance's first attempt and dropped, after {@code evictAll()}, when the
 * load balancer publishes the instance's removal. A connection busy at that moment finishes its call
 * and is closed by its pool's keep-alive. An attempt that acquired the instance just before its
 * removal and starts just after makes a pool again: its connection too is closed by the keep-alive,
 * and the pool is reused if the instance comes back. The subscription holds these pools weakly: an
 * interceptor dropped by its user leaves a consumer that does nothing behind, not its pools.
 *
 * <p>OkHttp 5.5.1 reports a connection that becomes idle to the client's pool
 * ({@code RealCall.releaseConnectionNoEvents}), not to the pool the chain gave: an instance's pool
 * enforces its idle limit at its own cleanups (on a new connection, and within the keep-alive), and a
 * connection closed at its release stays listed until then (never reused: it takes no new exchanges).
 *
 * <p>Public for the loadbalancer4j modules; not API. Thread-safe.
 */
public final class InstancePools {

    private final LoadBalancer loadBalancer;
    private final int maxIdleConnections;
    private final long keepAliveNanos;
    private final ConcurrentHashMap<ServiceInstance, ConnectionPool> pools = new ConcurrentHashMap<>();

    private InstancePools(LoadBalancer loadBalancer, int maxIdleConnections, Duration keepAlive) {
        this.loadBalancer = requireNonNull(loadBalancer, "loadBalancer");
        this.maxIdleConnections = maxIdleConnections;
        this.keepAliveNanos = keepAlive.toNanos();
    }

    /**
     * Makes the pools of a load balancer's instances and subscribes to its removals.
     *
     * @param loadBalancer the load balancer
     * @param maxIdleConnections idle connections each instance's pool keeps, {@code >= 0}
     * @param keepAlive how long an idle connection stays pooled, {@code > 0}
     * @return the pools
     */
    public static InstancePools watching(LoadBalancer loadBalancer, int maxIdleConnections, Duration keepAlive) {
        InstancePools pools = new InstancePools(loadBalancer, maxIdleConnections, keepAlive);
        WeakReference<InstancePools> weak = new WeakReference<>(pools);
        loadBalancer.getEventPublisher().onInstanceRemoved(event -> {
            InstancePools live = weak.get();
            if (live != null) {
                live.removed(event.getInstance());
            }
        });
        return pools;
    }

    /**
     * @param instance an instance of the load balancer
     * @return its pool, made on first use
     */
    public ConnectionPool poolFor(ServiceInstance instance) {
        ConnectionPool pool = pools.get(instance);
        return pool != null ? pool : pools.computeIfAbsent(instance,
                i -> new ConnectionPool(maxIdleConnections, keepAliveNanos, TimeUnit.NANOSECONDS));
    }

    /** Closes the instance's idle connections and forgets its pool. */
    void removed(ServiceInstance instance) {
        ConnectionPool pool = pools.remove(instance);
        if (pool != null) {
            pool.evictAll();
        }
    }

    /** @return the connections of every instance's pool, idle or in use */
    public int connectionCount() {
        return pools.values().stream().mapToInt(ConnectionPool::connectionCount).sum();
    }

    /** @return the idle connections of every instance's pool */
    public int idleConnectionCount() {
        return pools.values().stream().mapToInt(ConnectionPool::idleConnectionCount).sum();
    }

    /** Closes the idle connections of every instance's pool. */
    public void evictAll() {
        pools.values().forEach(ConnectionPool::evictAll);
    }

    @Override
    public String toString() {
        return "InstancePools{" + loadBalancer.getName() + ", " + pools.size() + " instances}";
    }
}
