package io.github.loadbalancer4j.kubernetes.internal;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.internal.DaemonThreads;
import io.github.loadbalancer4j.internal.SameInstances;
import io.github.loadbalancer4j.kubernetes.KubernetesDiscoveryException;
import io.github.loadbalancer4j.kubernetes.KubernetesInstanceSource;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a fabric8 informer on the EndpointSlices of one Service and turns what it hears into whole
 * lists and failures for a {@link Sink}.
 *
 * <p>Everything that changes state runs on one thread of the driver's own, in the order the informer
 * delivered it: slice events, the end of a (re)list, list failures, and a periodic check of the watch.
 * The informer reconnects a lost watch by itself and tells nobody, so the driver asks it
 * ({@code isWatching()}) and reports a watch that stayed down longer than the grace period.
 */
public final class EndpointSliceWatch implements AutoCloseable {

    /** Where the driver's lists and failures go. */
    public interface Sink {
        /**
         * A new whole list (or the same list again, after a recovery).
         *
         * @param instances the merged instances
         */
        void instances(List<ServiceInstance> instances);

        /**
         * A failure; the last list stays in force.
         *
         * @param failure what happened
         */
        void failure(KubernetesDiscoveryException failure);

        /** @return the size of the list in force, for messages */
        int currentSize();
    }

    private static final Logger LOG = LoggerFactory.getLogger(EndpointSliceWatch.class);
    private static final Duration CLOSE_BOUND = Duration.ofSeconds(5);

    private final KubernetesClient client;
    private final String namespace;
    private final String serviceName;
    private final EndpointSliceReader reader;
    private final ServiceEndpoints endpoints;
    private final long resyncMillis;
    private final long graceNanos;
    private final Sink sink;
    private final DaemonThreads threads;
    private final ScheduledThreadPoolExecutor executor;
    private final CompletableFuture<Void> firstList = new CompletableFuture<>();
    private final Object lock = new Object();
    // Guarded by lock.
    private boolean closed;
    private @Nullable SharedIndexInformer<EndpointSlice> informer;
    private volatile List<KubernetesDiscoveryException> problems = List.of();
    private volatile boolean started;

    // Confined to the driver's thread.
    private boolean listing;
    private boolean listed;
    private boolean failing;
    private boolean watchDown;
    private long watchDownSince;
    private boolean watchLossReported;
    private boolean stopReported;
    private @Nullable List<ServiceInstance> published;
    private Set<String> reported = Set.of();

    /**
     * Creates the driver; {@link #start()} starts it.
     *
     * @param client the client to watch with (not closed by the driver)
     * @param namespace the namespace of the Service
     * @param serviceName the name of the Service
     * @param reader how a slice becomes instances
     * @param resyncPeriod the informer's resync period, zero for none
     * @param watchLossGrace how long the watch may be down before it is reported
     * @param threadName the name of the driver's thread
     * @param sink where lists and failures go
     */
    public EndpointSliceWatch(KubernetesClient client, String namespace, String serviceName, EndpointSliceReader reader,
            Duration resyncPeriod, Duration watchLossGrace, String threadName, Sink sink) {
        this.client = requireNonNull(client, "client");
        this.namespace = requireNonNull(namespace, "namespace");
        this.serviceName = requireNonNull(serviceName, "serviceName");
        this.reader = requireNonNull(reader, "reader");
        this.endpoints = new ServiceEndpoints(namespace, serviceName, reader);
        this.resyncMillis = resyncPeriod.toMillis();
        this.graceNanos = watchLossGrace.toNanos();
        this.sink = requireNonNull(sink, "sink");
        this.threads = DaemonThreads.named(threadName);
        this.executor = new ScheduledThreadPoolExecutor(1, threads);
        this.executor.setRemoveOnCancelPolicy(true);
    }

    /** Starts the informer (its first list arrives asynchronously) and the periodic check of its watch. */
    public void start() {
        SharedIndexInformer<EndpointSlice> created = client.discovery().v1().endpointSlices().inNamespace(namespace)
                .withLabel(KubernetesInstanceSource.SERVICE_NAME_LABEL, serviceName)
                .runnableInformer(resyncMillis);
        created.addEventHandler(new Handler());
        created.exceptionHandler(this::listOrWatchFailed);
        synchronized (lock) {
            if (closed) {
                return;
            }
            informer = created;
        }
        // A quarter of the grace period, so that a lost watch is reported at most a quarter late.
        long checkMillis = Math.max(10, Math.min(1000, TimeUnit.NANOSECONDS.toMillis(graceNanos) / 4));
        executor.scheduleWithFixedDelay(() -> run(this::checkWatch), checkMillis, checkMillis, TimeUnit.MILLISECONDS);
        created.start();
        started = true;
    }

    /**
     * Waits for the first list.
     *
     * @param timeout how long to wait at most
     * @return whether the first list was delivered in time
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitFirstList(Duration timeout) throws InterruptedException {
        try {
            firstList.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException | ExecutionException | CancellationException e) {
            return false;
        }
    }

    /** @return the problems of the slices in force now (skipped slices, a missing port, no slice), for late listeners */
    public List<KubernetesDiscoveryException> currentProblems() {
        return problems;
    }

    /** @return whether the informer's watch is open now */
    public boolean isWatching() {
        SharedIndexInformer<EndpointSlice> current;
        synchronized (lock) {
            current = informer;
        }
        return current != null && current.isWatching();
    }

    private boolean listOrWatchFailed(boolean started, Throwable cause) {
        if (isClosed()) {
            // A list that was under way when the source closed: "retry" is quiet, and a stopped
            // informer does not retry; "stop" would be logged by fabric8 as an error.
            return true;
        }
        if (client.getHttpClient().isClosed()) {
            return false; // its owner closed the client under the source: checkWatch reports that
        }
        submit(() -> {
            failing = true;
            sink.failure(new KubernetesDiscoveryException(namespace, serviceName, "Could not list or watch the EndpointSlices"
                    + " of Service " + namespace + "/" + serviceName + " at " + client.getMasterUrl() + ": " + describe(cause)
                    + "; keeping the last " + sink.currentSize() + " instances, retrying", cause));
        });
        return true; // the informer retries with its backoff
    }

    /** The API server's own words when it answered (its Status), else the failure's message. */
    private String describe(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof KubernetesClientException k && k.getCode() > 0) {
                String said = k.getStatus() != null && k.getStatus().getMessage() != null ? k.getStatus().getMessage()
                        : String.valueOf(k.getMessage());
                String text = "HTTP " + k.getCode() + ": " + said;
                if (k.getCode() == 401 || k.getCode() == 403) {
                    text += " (expected: an account that may list and watch endpointslices of group discovery.k8s.io"
                            + " in namespace '" + namespace + "')";
                }
                return text;
            }
        }
        return cause.getMessage() == null ? cause.getClass().getName() : cause.getMessage();
    }

    private void checkWatch() {
        SharedIndexInformer<EndpointSlice> current;
        synchronized (lock) {
            current = informer;
        }
        if (current == null || stopReported) {
            return;
        }
        // Only closing its client stops the informer under the source: the client closes its informers
        // (which may take a while) before it marks its HTTP client closed.
        if (client.getHttpClient().isClosed() || (started && !current.isRunning())) {
            stopReported = true;
            failing = true;
            sink.failure(new KubernetesDiscoveryException(namespace, serviceName, "Stopped watching the EndpointSlices of"
                    + " Service " + namespace + "/" + serviceName + ": the KubernetesClient given to the source was closed;"
                    + " keeping the last " + sink.currentSize() + " instances for good", null));
            return;
        }
        if (!listed) {
            return; // before the first list, failures come through listOrWatchFailed
        }
        if (current.isWatching()) {
            watchDown = false;
            watchLossReported = false;
            if (failing) {
                failing = false;
                publish(true); // back: listeners learn it, even when nothing changed meanwhile
            }
            return;
        }
        long now = System.nanoTime();
        if (!watchDown) {
            watchDown = true;
            watchDownSince = now;
        } else if (!watchLossReported && now - watchDownSince >= graceNanos) {
            watchLossReported = true;
            failing = true;
            sink.failure(new KubernetesDiscoveryException(namespace, serviceName, "Lost the watch on the EndpointSlices of"
                    + " Service " + namespace + "/" + serviceName + " at " + client.getMasterUrl() + " for more than "
                    + Duration.ofNanos(graceNanos).toMillis() + " ms; keeping the last " + sink.currentSize()
                    + " instances until it is back", null));
        }
    }

    /**
     * Publishes the merged list when it changed (or always, when forced: after a list or a recovery),
     * then reports the problems not reported yet (or all of them, when forced).
     */
    private void publish(boolean force) {
        ServiceEndpoints.Merged merged = endpoints.merge();
        if (force || published == null || !SameInstances.same(published, merged.instances())) {
            published = merged.instances();
            sink.instances(merged.instances());
        }
        Set<String> now = new HashSet<>();
        for (KubernetesDiscoveryException problem : merged.problems()) {
            String key = String.valueOf(problem.getMessage());
            if (now.add(key) && (force || !reported.contains(key))) {
                sink.failure(problem);
            }
        }
        reported = now;
        problems = merged.problems();
    }

    private void sliceChanged(EndpointSlice slice) {
        endpoints.put(reader.read(slice));
        if (!listing) {
            publish(false);
        }
    }

    private void sliceDeleted(EndpointSlice slice) {
        if (slice.getMetadata() != null && slice.getMetadata().getName() != null) {
            endpoints.remove(slice.getMetadata().getName());
        }
        if (!listing) {
            publish(false);
        }
    }

    private void listed() {
        listing = false;
        listed = true;
        failing = false;
        publish(true);
        firstList.complete(null);
    }

    /** The informer's events, handed to the driver's thread in the order they came. */
    private final class Handler implements ResourceEventHandler<EndpointSlice> {
        @Override
        public void onBeforeList(String resourceVersion) {
            submit(() -> listing = true); // a (re)list: publish once, at its end
        }

        @Override
        public void onList(String resourceVersion, boolean isEmpty) {
            submit(EndpointSliceWatch.this::listed);
        }

        @Override
        public void onAdd(EndpointSlice slice) {
            submit(() -> sliceChanged(slice));
        }

        @Override
        public void onUpdate(EndpointSlice oldSlice, EndpointSlice newSlice) {
            submit(() -> sliceChanged(newSlice));
        }

        @Override
        public void onDelete(EndpointSlice slice, boolean deletedFinalStateUnknown) {
            submit(() -> sliceDeleted(slice));
        }
    }

    private void submit(Runnable task) {
        try {
            executor.execute(() -> run(task));
        } catch (RejectedExecutionException e) {
            // closed: nothing more to do
        }
    }

    private void run(Runnable task) {
        try {
            if (!isClosed()) {
                task.run();
            }
        } catch (RuntimeException e) {
            LOG.warn("Kubernetes discovery of {}/{} failed", namespace, serviceName, e);
        }
    }

    private boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    /** Stops the informer (its watch closes) and ends the driver's thread. The client stays open. */
    @Override
    public void close() {
        SharedIndexInformer<EndpointSlice> toClose;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = informer;
            informer = null;
        }
        try {
            if (toClose != null) {
                toClose.close();
            }
        } finally {
            threads.shutdownAndJoin(executor, true, CLOSE_BOUND);
            firstList.cancel(false);
        }
    }

    @Override
    public String toString() {
        return "EndpointSliceWatch{" + namespace + "/" + serviceName + ", " + reader + "}";
    }
}
