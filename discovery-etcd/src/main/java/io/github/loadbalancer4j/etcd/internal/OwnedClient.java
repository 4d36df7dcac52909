package io.github.loadbalancer4j.etcd.internal;

import static java.util.Objects.requireNonNull;

import io.etcd.jetcd.Client;
import io.github.loadbalancer4j.internal.DaemonThreads;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A jetcd client that a source built for itself, with the threads it brings: closing it closes the
 * client and waits until jetcd's own threads have ended.
 *
 * <p>jetcd runs its callbacks on the executor it is given (here one of ours, ended and waited for);
 * its watch client also keeps a scheduler of its own for resuming watches, whose threads take the
 * thread group of the thread that first asked for the watch client. That is asked here from a thread
 * in a group of ours, so that those threads can be found and waited for. gRPC's shared threads
 * (event loops, the default executor, timers) are gRPC's: it ends them about a second after its last
 * channel closed.
 */
public final class OwnedClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OwnedClient.class);
    private static final AtomicInteger CLIENTS = new AtomicInteger();
    private static final Duration JOIN_BOUND = Duration.ofSeconds(5);
    /** jetcd's own thread names start with this. */
    private static final String JETCD_THREADS = "jetcd-";

    private final Client client;
    private final DaemonThreads callbackThreads;
    private final ExecutorService callbackExecutor;
    private final ThreadGroup group;

    private OwnedClient(Client client, DaemonThreads callbackThreads, ExecutorService callbackExecutor, ThreadGroup group) {
        this.client = client;
        this.callbackThreads = callbackThreads;
        this.callbackExecutor = callbackExecutor;
        this.group = group;
    }

    /**
     * Builds a plain-text client of the given endpoints.
     *
     * @param endpoints {@code http://host:port} of one or more etcd members
     * @return the client, connecting on its first call
     */
    public static OwnedClient connect(List<URI> endpoints) {
        requireNonNull(endpoints, "endpoints");
        int n = CLIENTS.incrementAndGet();
        DaemonThreads threads = DaemonThreads.numbered("loadbalancer4j-etcd-client-" + n);
        ExecutorService executor = Executors.newCachedThreadPool(threads);
        Client client = Client.builder()
                .endpoints(endpoints.toArray(new URI[0]))
                .executorService(executor)
                .build();
        ThreadGroup group = new ThreadGroup("loadbalancer4j-etcd-client-" + n);
        Thread init = new Thread(group, client::getWatchClient, "loadbalancer4j-etcd-client-" + n + "-init");
        init.setDaemon(true);
        init.start();
        try {
            init.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            client.close();
            executor.shutdownNow();
            throw new IllegalStateException("Interrupted while creating the etcd client of " + endpoints, e);
        }
        return new OwnedClient(client, threads, executor, group);
    }

    /** @return the client */
    public Client client() {
        return client;
    }

    /** Closes the client and waits (boundedly) until the threads it made have ended. */
    @Override
    public void close() {
        long deadline = System.nanoTime() + JOIN_BOUND.toNanos();
        client.close();
        callbackThreads.shutdownAndJoin(callbackExecutor, true, JOIN_BOUND);
        Thread[] members = new Thread[group.activeCount() + 8];
        int count = group.enumerate(members);
        try {
            for (int i = 0; i < count; i++) {
                Thread t = members[i];
                long left = deadline - System.nanoTime();
                if (t.getName().startsWith(JETCD_THREADS) && left > 0) {
                    TimeUnit.NANOSECONDS.timedJoin(t, left);
                }
                if (t.isAlive() && t.getName().startsWith(JETCD_THREADS)) {
                    LOG.warn("{} did not end within {}", t, JOIN_BOUND);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
