package io.github.loadbalancer4j.internal;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.AbstractInstanceSource;
import io.github.loadbalancer4j.ServiceInstance;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** {@code InstanceSource.polling}: fetches on its own daemon thread and keeps the last good list. */
public final class PollingInstanceSource extends AbstractInstanceSource {

    /** The shortest interval accepted: polling faster only burns a core. */
    public static final Duration MIN_INTERVAL = Duration.ofMillis(10);

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Callable<? extends List<ServiceInstance>> fetch;
    private final DaemonThreads threads;
    private final ScheduledExecutorService scheduler;

    /**
     * Starts polling at once.
     *
     * @param fetch returns the whole list
     * @param interval time between fetches, at least {@link #MIN_INTERVAL}
     */
    public PollingInstanceSource(Callable<? extends List<ServiceInstance>> fetch, Duration interval) {
        super(List.of());
        this.fetch = requireNonNull(fetch, "fetch");
        Durations.requireAtLeast("interval", interval, MIN_INTERVAL, ">= 10 ms");
        this.threads = DaemonThreads.named("loadbalancer4j-polling-" + THREADS.incrementAndGet());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(threads);
        poll();
        scheduler.scheduleWithFixedDelay(this::poll, interval.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void poll() {
        List<ServiceInstance> list;
        try {
            list = fetch.call();
        } catch (Throwable e) {
            publishFailure(e);
            return;
        }
        if (list == null) {
            publishFailure(new IllegalStateException("fetch returned null (expected: a list, empty when there are no instances)"));
            return;
        }
        try {
            publish(list);
        } catch (RuntimeException e) {
            publishFailure(e);
        }
    }

    /** Stops polling and ends the source's thread (waiting up to 5 s for a fetch that ignores interrupts). */
    @Override
    public void close() {
        threads.shutdownAndJoin(scheduler, true, Duration.ofSeconds(5));
        super.close();
    }

    @Override
    public String toString() {
        return "PollingInstanceSource" + instances();
    }
}
