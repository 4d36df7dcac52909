package io.github.loadbalancer4j.examples;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * The demo: three HTTP backends on loopback ({@code fast}, {@code slow}, and {@code flaky}, which
 * starts failing part-way), a few thousand calls from several threads through
 * {@link LoadBalancer#decorateSupplier(LoadBalancer, java.util.function.Function)} with OkHttp, and a
 * table per instance at the end. The flaky instance's circuit breaker opens and the calls keep
 * succeeding on the other two. Run it with {@code scripts/demo.sh [--calls N] [--threads N]
 * [--fail-after N] [--no-progress]}.
 */
public final class Demo {

    private Demo() {
    }

    /**
     * Runs the demo and exits normally; prints the usage and exits with status 2 on bad arguments.
     *
     * @param args {@code --calls N}, {@code --threads N}, {@code --fail-after N}, {@code --no-progress}
     */
    public static void main(String[] args) {
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(DemoOptions.USAGE);
            System.exit(2);
            return;
        }
        run(options, System.out);
    }

    /**
     * Starts the backends, makes the calls, prints the header, progress and report to {@code out},
     * and shuts everything down.
     */
    static DemoReport run(DemoOptions options, PrintStream out) {
        try (Backends backends = new Backends(options.failAfter())) {
            List<ServiceInstance> instances = backends.instances();
            printHeader(options, instances, out);
            OkHttpClient client = new OkHttpClient.Builder()
                    .retryOnConnectionFailure(false) // a closed connection must reach the breaker, not be retried
                    .connectTimeout(Duration.ofSeconds(1))
                    .readTimeout(Duration.ofSeconds(2))
                    .build();
            LoadBalancer lb = LoadBalancer.of("demo", InstanceSource.of(instances));
            try {
                DemoReport report = callAll(options, lb, client, instances, out);
                report.print(out);
                return report;
            } finally {
                lb.close();
                client.dispatcher().executorService().shutdown();
                client.connectionPool().evictAll();
            }
        }
    }

    private static void printHeader(DemoOptions options, List<ServiceInstance> instances, PrintStream out) {
        out.println("loadbalancer4j demo: one load balancer, three backends, one of them going bad");
        out.println();
        out.printf(Locale.ROOT, "  fast   %-18s answers at once%n", instances.get(0).id());
        out.printf(Locale.ROOT, "  slow   %-18s answers after 20-50 ms%n", instances.get(1).id());
        out.printf(Locale.ROOT, "  flaky  %-18s answers at once for %d requests, then fails (HTTP 500 or a closed connection)%n",
                instances.get(2).id(), options.failAfter());
        out.println();
        out.printf(Locale.ROOT, "%d calls from %d threads go through LoadBalancer.decorateSupplier (round robin) and OkHttp;%n",
                options.calls(), options.threads());
        out.println("a 5xx or an I/O error fails the call. Each instance has its own resilience4j circuit breaker with");
        out.println("the load balancer's default config (window of 20 calls, opens at 50% failures, waits 10 s +-25%");
        out.println("before letting 3 probe calls through). Watch the flaky instance get ejected while the calls keep");
        out.println("succeeding on the other two.");
        out.println();
    }

    private static DemoReport callAll(DemoOptions options, LoadBalancer lb, OkHttpClient client,
            List<ServiceInstance> instances, PrintStream out) {
        int calls = options.calls();
        Map<ServiceInstance, InstanceTally> tallies = new LinkedHashMap<>();
        instances.forEach(instance -> tallies.put(instance, new InstanceTally(instance)));
        ServiceInstance flaky = instances.get(2);

        AtomicInteger next = new AtomicInteger();
        AtomicInteger isolatedAt = new AtomicInteger(-1);
        LongAdder noInstance = new LongAdder();
        List<DemoReport.TimedEvent> events = new CopyOnWriteArrayList<>();
        long start = System.nanoTime();
        lb.getEventPublisher()
                .onInstanceEjected(e -> {
                    if (e.getInstance().equals(flaky)) {
                        isolatedAt.compareAndSet(-1, Math.min(next.get(), calls));
                    }
                    events.add(timed(start, next, "ejected  " + describe(e.getInstance()) + " (" + e.getReason() + ")"));
                })
                .onInstanceRestored(e -> events.add(timed(start, next,
                        "restored " + describe(e.getInstance()) + " (its breaker lets probe calls through)")))
                .onNoAvailableInstance(e -> noInstance.increment());

        Supplier<String> call = LoadBalancer.decorateSupplier(lb, instance -> get(client, instance, tallies.get(instance)));
        boolean[] succeeded = new boolean[calls];
        LongAdder ok = new LongAdder();
        LongAdder failed = new LongAdder();
        @Nullable ProgressBar progress = options.progress() ? new ProgressBarBuilder()
                .setTaskName("calls")
                .setInitialMax(calls)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(100)
                .hideEta()
                .setConsumer(new ConsoleProgressBarConsumer(out))
                .build() : null;
        ExecutorService workers = Executors.newFixedThreadPool(options.threads());
        try {
            for (int t = 0; t < options.threads(); t++) {
                workers.execute(() -> {
                    for (int i = next.getAndIncrement(); i < calls; i = next.getAndIncrement()) {
                        try {
                            call.get();
                            succeeded[i] = true;
                            ok.increment();
                        } catch (RuntimeException e) {
                            failed.increment();
                        }
                        if (progress != null) {
                            progress.step();
                            if (i % 10 == 0) {
                                progress.setExtraMessage(progressMessage(lb, ok, failed));
                            }
                        }
                    }
                });
            }
            workers.shutdown();
            if (!workers.awaitTermination(5, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the calls did not finish within 5 minutes");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the calls ran", e);
        } finally {
            workers.shutdownNow();
            if (progress != null) {
                progress.setExtraMessage(progressMessage(lb, ok, failed));
                progress.close();
            }
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        List<DemoReport.Row> rows = new ArrayList<>();
        for (InstanceStatus status : lb.getInstances()) {
            InstanceTally tally = tallies.get(status.instance());
            rows.add(new DemoReport.Row(role(status.instance()), status.instance().id(), tally.calls(), tally.failures(),
                    status.circuitBreakerState(), tally.meanLatencyMillis()));
        }
        int from = isolatedAt.get();
        int after = 0;
        int okAfter = 0;
        for (int i = Math.max(from, 0); from >= 0 && i < calls; i++) {
            after++;
            okAfter += succeeded[i] ? 1 : 0;
        }
        return new DemoReport(List.copyOf(rows), calls, (int) ok.sum(), noInstance.sum(), from, after, okAfter,
                List.copyOf(events), elapsed);
    }

    /** One HTTP GET to the chosen instance; a 5xx or an I/O error is thrown so the breaker records a failure. */
    private static String get(OkHttpClient client, ServiceInstance instance, InstanceTally tally) {
        long start = System.nanoTime();
        boolean failed = true;
        Request request = new Request.Builder().url(instance.uri("/hello").toString()).build();
        try (Response response = client.newCall(request).execute()) {
            if (response.code() >= 500) {
                throw new HttpStatusException(instance, response.code());
            }
            String body = response.body().string();
            failed = false;
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            tally.record(System.nanoTime() - start, failed);
        }
    }

    private static String progressMessage(LoadBalancer lb, LongAdder ok, LongAdder failed) {
        StringBuilder notClosed = new StringBuilder();
        for (InstanceStatus status : lb.getInstances()) {
            if (status.circuitBreakerState() != CircuitBreaker.State.CLOSED) {
                notClosed.append(notClosed.length() == 0 ? "" : ", ")
                        .append(role(status.instance())).append(' ').append(status.circuitBreakerState());
            }
        }
        return "ok " + ok.sum() + " failed " + failed.sum() + " | "
                + (notClosed.length() == 0 ? "all breakers closed" : notClosed);
    }

    private static DemoReport.TimedEvent timed(long start, AtomicInteger next, String text) {
        return new DemoReport.TimedEvent(Duration.ofNanos(System.nanoTime() - start), next.get(), text);
    }

    private static String describe(ServiceInstance instance) {
        return role(instance) + " " + instance.id();
    }

    private static String role(ServiceInstance instance) {
        @Nullable String role = instance.metadata().get("role");
        return role != null ? role : "?";
    }
}
