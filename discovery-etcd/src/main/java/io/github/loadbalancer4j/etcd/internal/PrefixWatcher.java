package io.github.loadbalancer4j.etcd.internal;

import static java.util.Objects.requireNonNull;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.etcd.EtcdDiscoveryException;
import io.github.loadbalancer4j.etcd.EtcdInstanceMapper;
import io.github.loadbalancer4j.etcd.UnreadableEntryException;
import io.github.loadbalancer4j.internal.DaemonThreads;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the keys under one prefix: a range read, then a watch from the revision after it. The
 * watch is resumed by this class, not by jetcd, always from the revision after the last change
 * applied, so that a reconnect neither misses nor replays a change; a resume that etcd refuses
 * because that revision was compacted turns into a new range read.
 *
 * <p>All state is confined to one thread of the watcher's own; jetcd's callbacks only hand work to
 * it, tagged with the generation of the read or watch they belong to, so that a callback of a
 * replaced read or watch is dropped.
 */
public final class PrefixWatcher implements AutoCloseable {

    /** Where the watcher sends what it learns. */
    public interface Sink {
        /**
         * A whole new list.
         *
         * @param instances the readable, included instances, in key order
         */
        void instances(List<ServiceInstance> instances);

        /**
         * A failure: etcd unreachable or slow, the watch lost, a value unreadable.
         *
         * @param failure what happened
         */
        void failure(EtcdDiscoveryException failure);

        /** @return how many instances the source holds now, for messages */
        int currentSize();
    }

    /** The settings of a watcher. */
    public static final class Settings {
        final Duration requestTimeout;
        final Duration retryInitial;
        final Duration retryMax;

        /**
         * @param requestTimeout how long a read or the creation of a watch may take before a failure is reported
         * @param retryInitial the first delay before retrying after a failure
         * @param retryMax the longest delay; each failure in a row doubles the delay up to it
         */
        public Settings(Duration requestTimeout, Duration retryInitial, Duration retryMax) {
            this.requestTimeout = requireNonNull(requestTimeout, "requestTimeout");
            this.retryInitial = requireNonNull(retryInitial, "retryInitial");
            this.retryMax = requireNonNull(retryMax, "retryMax");
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(PrefixWatcher.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final KV kv;
    private final Watch watch;
    private final String prefix;
    private final ByteSequence prefixKey;
    private final Sink sink;
    private final Settings settings;
    private final DaemonThreads threads;
    private final ScheduledThreadPoolExecutor executor;
    private final CompletableFuture<Void> firstList = new CompletableFuture<>();
    private volatile boolean closed;
    private volatile List<UnreadableEntryException> unreadable = List.of();

    // Confined to the executor's thread.
    private final PrefixEntries entries;
    /** Every change up to this revision is in {@link #entries}. */
    private long revision;
    /** Bumped whenever the current read or watch is given up; callbacks of older ones are dropped. */
    private long generation;
    private Watch.@Nullable Watcher watcher;
    private boolean watchConfirmed;
    /** A failure was reported since the last list: the next list is published even if unchanged. */
    private boolean failing;
    private Duration nextDelay;

    /**
     * Creates the watcher; nothing happens before {@link #start()}.
     *
     * @param kv etcd's key-value API of the client
     * @param watch etcd's watch API of the client
     * @param prefix the key prefix, e.g. {@code /services/orders/}
     * @param mapper turns keys and values into instances
     * @param sink receives lists and failures
     * @param settings timeouts and retry delays
     */
    public PrefixWatcher(KV kv, Watch watch, String prefix, EtcdInstanceMapper mapper, Sink sink, Settings settings) {
        this.kv = requireNonNull(kv, "kv");
        this.watch = requireNonNull(watch, "watch");
        this.prefix = requireNonNull(prefix, "prefix");
        this.prefixKey = ByteSequence.from(prefix, StandardCharsets.UTF_8);
        this.entries = new PrefixEntries(prefix, requireNonNull(mapper, "mapper"));
        this.sink = requireNonNull(sink, "sink");
        this.settings = requireNonNull(settings, "settings");
        this.nextDelay = settings.retryInitial;
        this.threads = DaemonThreads.named("loadbalancer4j-etcd-" + THREADS.incrementAndGet() + "-" + prefix);
        this.executor = new ScheduledThreadPoolExecutor(1, threads);
        // close() must not wait for a retry that is seconds away.
        this.executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.executor.setRemoveOnCancelPolicy(true);
    }

    /** Starts: the range read now, then the watch. */
    public void start() {
        submit(this::read);
    }

    /**
     * Waits for the first list to be delivered.
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

    /** @return the failures of the keys that are unreadable now, for listeners that subscribe later */
    public List<UnreadableEntryException> currentUnreadable() {
        return unreadable;
    }

    private void read() {
        long gen = giveUpCurrent();
        CompletableFuture<GetResponse> pending;
        try {
            pending = kv.get(prefixKey, GetOption.builder().isPrefix(true).build());
        } catch (RuntimeException e) {
            onRead(gen, null, e);
            return;
        }
        // Report a slow etcd, but keep waiting: a client that waits for the connection (jetcd's
        // default) completes the read when etcd is back, and a new read would only pile up calls.
        schedule(() -> {
            if (gen == generation && !pending.isDone()) {
                fail("etcd did not answer within " + settings.requestTimeout + " reading the keys under prefix '" + prefix
                        + "'; still waiting", null);
            }
        }, settings.requestTimeout);
        pending.whenComplete((response, error) -> submit(() -> onRead(gen, response, error)));
    }

    private void onRead(long gen, @Nullable GetResponse response, @Nullable Throwable error) {
        if (gen != generation || closed) {
            return;
        }
        if (response == null) {
            fail("Could not read the keys under prefix '" + prefix + "': " + error, error);
            retryLater(this::read);
            return;
        }
        entries.replaceAll(response.getKvs());
        revision = response.getHeader().getRevision();
        nextDelay = settings.retryInitial;
        publishCurrent();
        startWatch();
    }

    private void startWatch() {
        long gen = giveUpCurrent();
        watchConfirmed = false;
        WatchOption option = WatchOption.builder()
                .isPrefix(true)
                .withRevision(revision + 1)
                .withCreateNotify(true)  // tells when the watch is running again after a failure
                .withRequireLeader(true) // a member cut off from its cluster ends the watch instead of going silent
                .build();
        try {
            watcher = watch.watch(prefixKey, option, new Listener(gen));
        } catch (RuntimeException e) {
            fail("Could not watch the keys under prefix '" + prefix + "': " + e, e);
            retryLater(this::startWatch);
            return;
        }
        schedule(() -> {
            if (gen == generation && !watchConfirmed) {
                fail("etcd did not confirm the watch on prefix '" + prefix + "' within " + settings.requestTimeout
                        + "; still waiting", null);
            }
        }, settings.requestTimeout);
    }

    private void onWatchResponse(long gen, WatchResponse response) {
        if (gen != generation || closed) {
            return;
        }
        if (response.isCreatedNotify()) {
            watchConfirmed = true;
            nextDelay = settings.retryInitial;
            if (failing) {
                publishCurrent(); // listeners learn that discovery is back, even when nothing changed
            }
            return;
        }
        long floor = revision;
        long last = revision;
        boolean changed = false;
        for (WatchEvent event : response.getEvents()) {
            KeyValue kv = event.getKeyValue();
            long modRevision = kv.getModRevision();
            // etcd sends a revision's events together and never before the watch's start revision;
            // this guard keeps a change from being applied twice should that ever break.
            if (modRevision <= floor) {
                continue;
            }
            switch (event.getEventType()) {
                case PUT:
                    entries.put(kv);
                    changed = true;
                    break;
                case DELETE:
                    changed |= entries.remove(kv);
                    break;
                default:
                    break;
            }
            last = Math.max(last, modRevision);
        }
        revision = last;
        if (changed || failing) {
            publishCurrent();
        }
    }

    private void onWatchError(long gen, Throwable error) {
        if (gen != generation || closed) {
            return;
        }
        giveUpCurrent(); // jetcd would resume this watcher by itself, from a revision of its own
        if (isCompaction(error)) {
            LOG.info("The changes under prefix '{}' after revision {} were compacted; reading the prefix again", prefix, revision);
            read();
            return;
        }
        fail("Lost the watch on prefix '" + prefix + "' at revision " + revision + " (resuming from revision "
                + (revision + 1) + "): " + error, error);
        retryLater(this::startWatch);
    }

    private void onWatchClosed(long gen) {
        if (gen != generation || closed) {
            return;
        }
        giveUpCurrent();
        // Without an error first: the client was closed under the source (a client the application gave).
        fail("The watch on prefix '" + prefix + "' was closed by the etcd client", null);
        retryLater(this::startWatch);
    }

    private static boolean isCompaction(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof CompactedException) {
                return true;
            }
        }
        return false;
    }

    /** Drops the current read or watch: closes the watcher, and makes their pending callbacks stale. */
    private long giveUpCurrent() {
        generation++;
        Watch.Watcher current = watcher;
        watcher = null;
        if (current != null) {
            try {
                current.close();
            } catch (RuntimeException e) {
                LOG.debug("Closing the watch on prefix '{}' failed", prefix, e);
            }
        }
        return generation;
    }

    private void publishCurrent() {
        unreadable = List.copyOf(entries.unreadable());
        failing = false;
        sink.instances(entries.instances());
        entries.takeUnreported().forEach(sink::failure);
        firstList.complete(null);
    }

    private void fail(String message, @Nullable Throwable cause) {
        failing = true;
        sink.failure(new EtcdDiscoveryException(message + "; keeping the last " + sink.currentSize() + " instances", cause));
    }

    private void retryLater(Runnable task) {
        long gen = generation;
        Duration delay = nextDelay;
        Duration doubled = delay.multipliedBy(2);
        nextDelay = doubled.compareTo(settings.retryMax) > 0 ? settings.retryMax : doubled;
        schedule(() -> {
            if (gen == generation) {
                task.run();
            }
        }, delay);
    }

    private void schedule(Runnable task, Duration delay) {
        try {
            executor.schedule(guarded(task), delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    private void submit(Runnable task) {
        try {
            executor.execute(guarded(task));
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    private Runnable guarded(Runnable task) {
        return () -> {
            if (closed) {
                return;
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("etcd discovery of prefix '{}' failed", prefix, e);
            }
        };
    }

    /**
     * Stops: closes the watch (the client is left open), drops pending retries and ends the watcher's
     * thread, waiting for it.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            executor.execute(this::giveUpCurrent);
        } catch (RejectedExecutionException e) {
            // already shut down
        }
        closed = true;
        threads.shutdownAndJoin(executor, false, Duration.ofSeconds(5));
        firstList.cancel(false);
    }

    @Override
    public String toString() {
        return "PrefixWatcher{" + prefix + "}";
    }

    /** Hands jetcd's callbacks, tagged with the watch's generation, to the watcher's thread. */
    private final class Listener implements Watch.Listener {
        private final long gen;

        Listener(long gen) {
            this.gen = gen;
        }

        @Override
        public void onNext(WatchResponse response) {
            submit(() -> onWatchResponse(gen, response));
        }

        @Override
        public void onError(Throwable error) {
            submit(() -> onWatchError(gen, error));
        }

        @Override
        public void onCompleted() {
            submit(() -> onWatchClosed(gen));
        }
    }
}
