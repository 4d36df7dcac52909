package io.github.loadbalancer4j.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.testing.LoopbackBackends;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Calls through {@code LoadBalancer.decorateSupplier} (round robin) to three real HTTP servers on
 * 127.0.0.11-13, whose addresses reach the load balancer only as EndpointSlice endpoints in the mock
 * API server, changed while the calls run: an endpoint added in a new slice, one turned not ready, a
 * slice deleted.
 */
class KubernetesEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int CALLERS = 4;

    private MockApiServer api;
    private KubernetesClient client;
    private LoopbackBackends backends;
    private final OkHttpClient http = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws IOException {
        api = MockApiServer.start();
        client = api.newClient();
        backends = LoopbackBackends.http();
    }

    @AfterEach
    void stop() {
        backends.close();
        client.close();
        api.close();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    @Test
    void callsFollowEndpointsAddedTurnedNotReadyAndDeletedWithNoneLost() throws Exception {
        int port = backends.port();
        api.put(TestSlice.of("shop", "orders-a").port("http", port).ready("127.0.0.11").ready("127.0.0.12").build());
        try (KubernetesInstanceSource source = KubernetesInstanceSource.builder("orders").client(client).namespace("shop")
                .port("http").build();
             LoadBalancer lb = LoadBalancer.of("orders", source,
                     LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).build())) {
            await().atMost(WAIT).until(source::isWatching);
            Callers callers = new Callers(LoadBalancer.decorateSupplier(lb,
                    instance -> LoopbackBackends.get(http, instance, "/orders/42")));
            callers.start();
            try {
                callers.awaitCallsTo("127.0.0.11", "127.0.0.12");

                api.put(TestSlice.of("shop", "orders-b").port("http", port).ready("127.0.0.13").build());
                await().atMost(WAIT).until(() -> hosts(lb).equals(Set.of("127.0.0.11", "127.0.0.12", "127.0.0.13")));
                callers.awaitCallsTo("127.0.0.13");

                api.put(TestSlice.of("shop", "orders-a").port("http", port).notReady("127.0.0.11").ready("127.0.0.12").build());
                await().atMost(WAIT).until(() -> hosts(lb).equals(Set.of("127.0.0.12", "127.0.0.13")));
                callers.nowRemoved("127.0.0.11");
                callers.awaitMoreCalls(300);

                api.delete("shop", "orders-b");
                await().atMost(WAIT).until(() -> hosts(lb).equals(Set.of("127.0.0.12")));
                callers.nowRemoved("127.0.0.13");
                callers.awaitMoreCalls(300);
            } finally {
                callers.stop();
            }
            assertThat(callers.failures).isEmpty();
            assertThat(callers.misdirected).as("calls picked after their instance's removal was applied").isEmpty();
            assertThat(callers.servedBy).containsOnlyKeys("127.0.0.11", "127.0.0.12", "127.0.0.13");
            // Every call reached exactly the server it was sent to: none lost, none duplicated.
            for (LoopbackBackends.Backend backend : backends.all()) {
                assertThat(backend.log()).as(backend.address()).hasSize(callers.servedBy.get(backend.address()).intValue());
            }
        }
    }

    private static Set<String> hosts(LoadBalancer lb) {
        return lb.getInstances().stream().map(InstanceStatus::instance).map(ServiceInstance::host).collect(Collectors.toSet());
    }

    /** Threads calling until stopped, counting who answered and calls picked after a removal. */
    private static final class Callers {
        final Map<String, LongAdder> servedBy = new ConcurrentHashMap<>();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        final List<String> misdirected = new CopyOnWriteArrayList<>();
        private final Set<String> removed = ConcurrentHashMap.newKeySet();
        private final AtomicInteger completed = new AtomicInteger();
        private final Supplier<String> call;
        private final ExecutorService threads = Executors.newFixedThreadPool(CALLERS);
        private final List<Future<?>> running = new ArrayList<>();
        private volatile boolean stopped;

        Callers(Supplier<String> call) {
            this.call = call;
        }

        void start() {
            for (int i = 0; i < CALLERS; i++) {
                running.add(threads.submit(this::loop));
            }
        }

        private void loop() {
            while (!stopped) {
                // Read before the pick: an instance in this set was removed before the call chose.
                Set<String> removedBefore = Set.copyOf(removed);
                try {
                    String host = call.get();
                    servedBy.computeIfAbsent(host, h -> new LongAdder()).increment();
                    if (removedBefore.contains(host)) {
                        misdirected.add(host);
                    }
                    completed.incrementAndGet();
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }
        }

        /** Called once the load balancer no longer lists {@code host}. */
        void nowRemoved(String host) {
            removed.add(host);
        }

        void awaitCallsTo(String... hosts) {
            await().atMost(WAIT).until(() -> Set.of(hosts).stream().allMatch(h -> servedBy.containsKey(h)));
        }

        void awaitMoreCalls(int n) {
            int target = completed.get() + n;
            await().atMost(WAIT).until(() -> completed.get() >= target);
        }

        void stop() throws Exception {
            stopped = true;
            for (Future<?> f : running) {
                f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
            threads.shutdown();
        }
    }
}
