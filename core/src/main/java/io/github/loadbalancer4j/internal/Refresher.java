package io.github.loadbalancer4j.internal;

import io.github.loadbalancer4j.event.LoadBalancerEvent;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a load balancer's snapshot in step with availability changes, off the callers' paths, and
 * delivers its events in order.
 *
 * <p>A call that notices a change (its end moved the instance's breaker, its pick found a breaker's
 * wait over, a server asked to be left alone) only asks: {@link #requestAsync()} is a volatile read
 * and, for the first request of a burst, one atomic increment and a hand-off to the load balancer's
 * thread. That thread rebuilds once for any number of requests made before it starts (coalesced),
 * and again if more came while it ran. Writers that are not callers (health checks, which run on the
 * load balancer's own threads or the user's scheduler) rebuild on their own thread with
 * {@link #requestInline()}, coalesced the same way. A call never takes the writers' lock and never
 * runs an event consumer: until the rebuild lands, a pick that meets a breaker that refuses simply
 * picks again.
 *
 * <p>The thread is made on demand and ends after {@value #KEEP_ALIVE_SECONDS} s without work, so a
 * quiet load balancer holds no thread; {@link #close()} ends it and returns once it is gone.
 */
final class Refresher {

    private static final Logger LOG = LoggerFactory.getLogger(Refresher.class);
    static final int KEEP_ALIVE_SECONDS = 10;

    private final Runnable rebuild;
    private final LoadBalancerEventProcessor events;
    private final DaemonThreads threads;
    private final ThreadPoolExecutor executor;
    /** Requests since the running (or next) rebuild started; 0 when none is pending. */
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicBoolean rebuilding = new AtomicBoolean();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicLong rebuilds = new AtomicLong();
    private final Queue<LoadBalancerEvent> pending = new ConcurrentLinkedQueue<>();
    private final Runnable work = this::runAndDrain;

    /**
     * @param name the load balancer's name, for the thread's
     * @param rebuild rebuilds the snapshot under the load balancer's lock and queues the events it causes
     * @param events where the events go
     */
    Refresher(String name, Runnable rebuild, LoadBalancerEventProcessor events) {
        this.rebuild = rebuild;
        this.events = events;
        this.threads = DaemonThreads.named("loadbalancer4j-refresh-" + name);
        this.executor = new ThreadPoolExecutor(1, 1, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads);
        this.executor.allowCoreThreadTimeOut(true);
    }

    /** From a caller: availability may have changed. Never blocks, never rebuilds on the calling thread. */
    void requestAsync() {
        if (requests.get() == 0 && requests.getAndIncrement() == 0) {
            handOff();
        }
    }

    /** From a writer that is not a caller: availability changed; rebuild here unless a rebuild is running. */
    void requestInline() {
        requests.incrementAndGet();
        runAndDrain();
    }

    /** @return whether a request is waiting for a rebuild, or one is running */
    boolean busy() {
        return requests.get() != 0 || rebuilding.get() || draining.get() || !pending.isEmpty();
    }

    /** @return how many rebuilds ran, for tests of coalescing */
    long rebuilds() {
        return rebuilds.get();
    }

    /**
     * Queues an event in the order of the calls to this method; call it under the load balancer's
     * lock for events that must keep the order of the changes.
     */
    void queue(LoadBalancerEvent event) {
        pending.add(event);
    }

    /** Delivers the queued events on this thread (a writer's, never a caller's), in order. */
    void drain() {
        while (!pending.isEmpty() && draining.compareAndSet(false, true)) {
            try {
                LoadBalancerEvent event;
                while ((event = pending.poll()) != null) {
                    events.processEvent(event);
                }
            } finally {
                draining.set(false);
            }
        }
    }

    /** From a caller: delivers the queued events on the load balancer's thread. */
    void drainAsync() {
        handOff();
    }

    private void handOff() {
        if (BackgroundWork.isInline()) {
            runAndDrain();
            return;
        }
        try {
            executor.execute(work);
        } catch (RejectedExecutionException closed) {
            // closed: nothing to keep up to date any more
        }
    }

    private void runAndDrain() {
        do {
            if (!rebuilding.compareAndSet(false, true)) {
                break; // the running rebuild loops until no request is left
            }
            try {
                while (requests.getAndSet(0) != 0) {
                    rebuilds.incrementAndGet();
                    try {
                        rebuild.run();
                    } catch (RuntimeException | Error e) {
                        // A strategy's newSelector that throws: the old snapshot stays, the next change tries again.
                        LOG.warn("Rebuilding the load balancer's snapshot failed; the previous one stays in use", e);
                    }
                }
            } finally {
                rebuilding.set(false);
            }
            // A request made after the last check above and before rebuilding was cleared found it
            // set and left the work to us: look once more.
        } while (requests.get() != 0);
        drain();
    }

    /** Ends the thread (waiting for a rebuild in progress) and returns once it is gone. */
    void close() {
        threads.shutdownAndJoin(executor, false, Duration.ofSeconds(5));
    }
}
