package io.github.loadbalancer4j.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConsulInstanceSourceCloseTest {

    private static final Duration BOUND = Duration.ofSeconds(10);
    /** A blocking query is cancelled, not waited for: close() must return well within this. */
    private static final Duration PROMPT = Duration.ofSeconds(2);

    private FakeConsul consul;

    @BeforeEach
    void startConsul() throws Exception {
        consul = FakeConsul.start();
        consul.register("orders", "orders-1", "127.0.0.11", 8080);
    }

    @AfterEach
    void stopConsul() {
        consul.close();
    }

    @Test
    void closeMidWaitReturnsPromptlyAndLeavesNoThreadBehind() {
        Set<Thread> before = liveThreads();
        ConsulInstanceSource source = ConsulInstanceSource.builder("orders").address(consul.address())
                .waitTime(Duration.ofMinutes(5)).build();
        await().atMost(BOUND).until(() -> consul.held() == 1);
        List<String> whileOpen = namesOf(threadsStartedSince(before));

        long start = System.nanoTime();
        source.close();
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(took).isLessThan(PROMPT);
        assertThat(whileOpen).anySatisfy(name -> assertThat(name).startsWith("loadbalancer4j-consul-orders-"));
        assertThat(namesOf(threadsStartedSince(before))).isEmpty();
        assertThat(source.instances()).hasSize(1);
    }

    @Test
    void closeLeavesTheGivenClientOpen() throws Exception {
        OkHttpClient client = new OkHttpClient();
        try {
            ConsulInstanceSource source = ConsulInstanceSource.builder("orders").address(consul.address()).client(client)
                    .waitTime(Duration.ofMinutes(5)).build();
            await().atMost(BOUND).until(() -> consul.held() == 1);

            long start = System.nanoTime();
            source.close();
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(took).isLessThan(PROMPT);
            assertThat(client.dispatcher().executorService().isShutdown()).isFalse();
            try (Response response = client.newCall(new Request.Builder()
                    .url(consul.address() + "/v1/health/service/orders?passing").build()).execute()) {
                assertThat(response.code()).isEqualTo(200);
            }
            assertThat(liveThreads()).extracting(Thread::getName)
                    .noneSatisfy(name -> assertThat(name).startsWith("loadbalancer4j-consul-"));
        } finally {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }

    @Test
    void closeAtAnyMomentOfABusyLoopReturnsPromptlyAndLeavesNoThread() {
        // Queries that end every few milliseconds: close() meets the loop in every state (sending,
        // reading, delivering, scheduled), 40 times.
        for (int i = 0; i < 40; i++) {
            int queries = consul.requests().size() + ThreadLocalRandom.current().nextInt(1, 6);
            ConsulInstanceSource source = ConsulInstanceSource.builder("orders").address(consul.address())
                    .waitTime(Duration.ofMillis(2)).rateLimit(Duration.ZERO, 1).build();
            await().atMost(BOUND).pollInterval(Duration.ofMillis(2)).until(() -> consul.requests().size() >= queries);

            long start = System.nanoTime();
            source.close();
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(took).isLessThan(PROMPT);
            assertThat(source.instances()).hasSize(1);
        }
        assertThat(liveThreads()).extracting(Thread::getName)
                .noneSatisfy(name -> assertThat(name).startsWith("loadbalancer4j-consul-"));
    }

    @Test
    void closingTwiceDoesNothing() {
        ConsulInstanceSource source = ConsulInstanceSource.builder("orders").address(consul.address()).build();
        source.close();

        source.close();

        assertThat(source.instances()).hasSize(1);
    }

    private static Set<Thread> liveThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).collect(Collectors.toSet());
    }

    /**
     * Threads started since {@code before}, except the test's own poller, the fake Consul's server
     * threads, and OkHttp's TaskRunner: one pool shared by every OkHttp client and server in the JVM,
     * whose idle threads end on their own after 60 s. (Its name is also what a TaskRunner thread is
     * renamed to between tasks; while it runs MockWebServer it carries MockWebServer's name.)
     */
    private static List<Thread> threadsStartedSince(Set<Thread> before) {
        return liveThreads().stream()
                .filter(t -> !before.contains(t))
                .filter(t -> !t.getName().startsWith("awaitility"))
                .filter(t -> !t.getName().startsWith("MockWebServer") && !t.getName().equals("OkHttp TaskRunner"))
                .toList();
    }

    private static List<String> namesOf(List<Thread> threads) {
        return threads.stream().map(Thread::getName).sorted().toList();
    }
}
