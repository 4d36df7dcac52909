package io.github.loadbalancer4j.examples;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.okhttp.LoadBalancingInterceptor;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
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
 * starts failing part-way), a few thousand plain OkHttp calls to {@code http://orders/hello} from
 * several threads, routed by a {@link LoadBalancingInterceptor} with failover (a resilience4j
 * {@link Retry}), and a table per instance at the end. The flaky instance's circuit breaker opens,
 * its failed attempts are retried on the other two, and the calls keep succeeding. Run it with
 * {@code scripts/demo.sh [--calls N] [--threads N] [--fail-after N] [--no-progress]}.
 */
public final class Demo {

    /** The logical host name the calls use; the interceptor routes it to the load balancer. */
    static final String SERVICE = "orders";

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
            // Round robin, not the default peakEwma: round robin keeps giving the flaky backend its share,
            // so its breaker sees enough failures to open, which is what this demo shows. peakEwma would
            // stop choosing it after its first failures, before the breaker has its minimum of calls.
            LoadBalancer lb = LoadBalancer.of(SERVICE, InstanceSource.of(instances),
                    LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).build());
            RetryRegistry retries = RetryRegistry.of(RetryConfig.<Response>custom()
                    .maxAttempts(3)                              // the first attempt and up to 2 retries
                    .waitDuration(Duration.ofMillis(10))
                    .retryExceptions(IOException.class)          // connect failures, and for GETs any I/O error
                    .retryOnResult(response -> response.code() >= 500)
                    .build());
            Retry retry = retries.retry(SERVICE);
            AttemptRecorder recorder = new AttemptRecorder(instances.stream().map(InstanceTally::new).toList());
            OkHttpClient client = new OkHttpClient.Builder()
                    .addInterceptor(LoadBalancingInterceptor.builder().route(SERVICE, lb).retry(retry).build())
                    .addNetworkInterceptor(recorder)             // sees each attempt, with the instance's URL
                    .retryOnConnectionFailure(false)             // failover is the interceptor's job, not OkHttp's
                    .connectTimeout(Duration.ofSeconds(1))
                    .readTimeout(Duration.ofSeconds(2))
                    .build();
            try {
                DemoReport report = callAll(options, lb, client, backends, recorder, instances, out);
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
        out.printf(Locale.ROOT, "  flaky  %-18s answers at once for %d requests, then fails (HTTP 500, or a garbled answer: an I/O error)%n",
                instances.get(2).id(), options.failAfter());
        out.println();
        out.printf(Locale.ROOT, "%d GETs of http://%s/hello from %d threads, plain OkHttp calls; the client's%n",
                options.calls(), SERVICE, options.threads());
        out.printf(Locale.ROOT, "LoadBalancingInterceptor routes '%s' to the three backends (round robin) and retries a failed%n", SERVICE);
        out.println("attempt (5xx or I/O error) on an instance the call has not tried, at most 3 attempts per call.");
        out.println("Each instance has its own resilience4j circuit breaker with the load balancer's default config");
        out.println("(window of 20 calls, opens at 50% failures, waits 10 s +-25% before letting 3 probe calls");
        out.println("through). Watch the flaky instance get ejected while the calls keep succeeding on the other two.");
        out.println();
    }

    private static DemoReport callAll(DemoOptions options, LoadBalancer lb, OkHttpClient client, Backends backends,
            AttemptRecorder recorder, List<ServiceInstance> instances, PrintStream out) {
        int calls = options.calls();
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

        boolean[] succeeded = new boolean[calls];
        LongAdder ok = new LongAdder();
        LongAdder failed = new LongAdder();
        LongAdder retriedCalls = new LongAdder();
        LongAdder retries = new LongAdder();
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
                        AtomicInteger attempts = new AtomicInteger();
                        if (get(client, attempts)) {
                            succeeded[i] = true;
                            ok.increment();
                        } else {
                            failed.increment();
                        }
                        if (attempts.get() > 1) {
                            retriedCalls.increment();
                            retries.add(attempts.get() - 1);
                        }
                        if (progress != null) {
                            progress.step();
                            if (i % 10 == 0) {
                                progress.setExtraMessage(progressMessage(lb, ok, failed, retriedCalls));
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
                progress.setExtraMessage(progressMessage(lb, ok, failed, retriedCalls));
                progress.close();
            }
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        List<DemoReport.Row> rows = new ArrayList<>();
        for (InstanceStatus status : lb.getInstances()) {
            String role = role(status.instance());
            InstanceTally tally = recorder.tally(status.instance());
            rows.add(new DemoReport.Row(role, status.instance().id(), backends.requests(role), backends.failures(role),
                    status.circuitBreakerState(), tally.meanLatencyMillis(), tally.calls(), tally.failures()));
        }
        int from = isolatedAt.get();
        int after = 0;
        int okAfter = 0;
        for (int i = Math.max(from, 0); from >= 0 && i < calls; i++) {
            after++;
            okAfter += succeeded[i] ? 1 : 0;
        }
        return new DemoReport(List.copyOf(rows), calls, (int) ok.sum(), retriedCalls.sum(), retries.sum(),
                noInstance.sum(), from, after, okAfter, List.copyOf(events), elapsed);
    }

    /**
     * One plain OkHttp GET of {@code http://orders/hello}: the interceptor picks the instance and
     * retries elsewhere if needed; the caller sees only the final answer.
     *
     * @param attempts counts the attempts this call needed (the {@link AttemptRecorder} increments it)
     * @return whether the call got a 2xx answer
     */
    private static boolean get(OkHttpClient client, AtomicInteger attempts) {
        Request request = new Request.Builder().url("http://" + SERVICE + "/hello").tag(AtomicInteger.class, attempts).build();
        try (Response response = client.newCall(request).execute()) {
            response.body().string();
            return response.isSuccessful();
        } catch (IOException e) {
            return false;
        }
    }

    private static String progressMessage(LoadBalancer lb, LongAdder ok, LongAdder failed, LongAdder retried) {
        StringBuilder notClosed = new StringBuilder();
        for (InstanceStatus status : lb.getInstances()) {
            if (status.circuitBreakerState() != CircuitBreaker.State.CLOSED) {
                notClosed.append(notClosed.length() == 0 ? "" : ", ")
                        .append(role(status.instance())).append(' ').append(status.circuitBreakerState());
            }
        }
        return "ok " + ok.sum() + " failed " + failed.sum() + " retried " + retried.sum() + " | "
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
