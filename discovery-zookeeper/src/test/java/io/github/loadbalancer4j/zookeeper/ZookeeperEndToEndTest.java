package io.github.loadbalancer4j.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.ServiceInstance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Calls through a load balancer fed by ZooKeeper to real HTTP backends, while instances are
 * registered and unregistered.
 */
class ZookeeperEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int CALLERS = 4;

    private TestingServer zookeeper;
    private Registrar registrar;
    private final List<MockWebServer> backends = new ArrayList<>();
    private final OkHttpClient http = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        zookeeper = ZookeeperTestServers.start();
        registrar = new Registrar(zookeeper);
        for (String address : List.of("127.0.0.11", "127.0.0.12", "127.0.0.13")) {
            MockWebServer backend = new MockWebServer();
            backend.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) {
                    return new MockResponse.Builder().code(200).body(address).build();
                }
            });
            backend.start(InetAddress.getByName(address), 0);
            backends.add(backend);
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (MockWebServer backend : backends) {
            backend.close();
        }
        registrar.close();
        zookeeper.close();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    @Test
    void noCallGoesToARemovedInstanceAndNoneIsLost() throws Exception {
        var first = registrar.register("127.0.0.11", backends.get(0).getPort());
        registrar.register("127.0.0.12", backends.get(1).getPort());
        ZookeeperInstanceSource source = ZookeeperTestServers.source(zookeeper).build();
        LoadBalancer lb = LoadBalancer.of("orders", source);
        Supplier<String> getOrder = LoadBalancer.decorateSupplier(lb, this::get);
        Calls calls = new Calls();
        ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            running.add(callers.submit(() -> calls.run(getOrder)));
        }

        try {
            await().atMost(WAIT).until(() -> calls.servedBy("127.0.0.11") > 0 && calls.servedBy("127.0.0.12") > 0);
            registrar.register("127.0.0.13", backends.get(2).getPort());
            await().atMost(WAIT).until(() -> calls.servedBy("127.0.0.13") > 0);
            registrar.unregister(first);
            await().atMost(WAIT).until(() -> lb.getInstances().stream()
                    .noneMatch(s -> s.instance().host().equals("127.0.0.11")));
            calls.removalApplied = true;
            int completedAtRemoval = calls.completed.get();
            await().atMost(WAIT).until(() -> calls.completed.get() >= completedAtRemoval + 200);
        } finally {
            calls.stop = true;
            for (Future<?> f : running) {
                f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
            callers.shutdown();
            lb.close();
            source.close();
        }

        assertThat(calls.failures).isEmpty();
        assertThat(calls.servedAfterRemoval).doesNotContainKey("127.0.0.11");
        assertThat(calls.servedAfterRemoval).containsKeys("127.0.0.12", "127.0.0.13");
        int received = backends.stream().mapToInt(MockWebServer::getRequestCount).sum();
        assertThat(received).isEqualTo(calls.completed.get());
        assertThat(calls.servedBy("127.0.0.11") + calls.servedBy("127.0.0.12") + calls.servedBy("127.0.0.13"))
                .isEqualTo(calls.completed.get());
    }

    private String get(ServiceInstance instance) {
        Request request = new Request.Builder().url(instance.uri("/orders/42").toString()).build();
        try (Response response = http.newCall(request).execute()) {
            if (response.code() != 200) {
                throw new IllegalStateException(instance + " answered " + response.code());
            }
            return response.body().string();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the callers saw: who served each call, and whether it was picked after the removal was applied. */
    private static final class Calls {
        volatile boolean stop;
        volatile boolean removalApplied;
        final AtomicInteger completed = new AtomicInteger();
        final Map<String, AtomicInteger> served = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> servedAfterRemoval = new ConcurrentHashMap<>();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();

        void run(Supplier<String> call) {
            while (!stop) {
                // Read before the call picks its instance: true means the pick happens after the removal was applied.
                boolean afterRemoval = removalApplied;
                String backend;
                try {
                    backend = call.get();
                } catch (RuntimeException e) {
                    failures.add(e);
                    continue;
                }
                served.computeIfAbsent(backend, b -> new AtomicInteger()).incrementAndGet();
                if (afterRemoval) {
                    servedAfterRemoval.computeIfAbsent(backend, b -> new AtomicInteger()).incrementAndGet();
                }
                completed.incrementAndGet();
            }
        }

        int servedBy(String backend) {
            AtomicInteger n = served.get(backend);
            return n == null ? 0 : n.get();
        }
    }
}
