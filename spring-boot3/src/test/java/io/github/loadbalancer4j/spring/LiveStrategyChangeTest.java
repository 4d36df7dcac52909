package io.github.loadbalancer4j.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.spring.app.ClientApplication;
import io.github.loadbalancer4j.testing.CallLoop;
import io.github.loadbalancer4j.testing.LoopbackBackends;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cloud.context.refresh.ContextRefresher;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

/**
 * The mission's "switch strategy with zero restart" as production does it: the application reads
 * {@code strategy} from a configuration file; the file changes and Spring Cloud's refresh (what
 * {@code POST /actuator/refresh} runs) applies it to the running load balancer while calls go on.
 */
@SpringBootTest(classes = ClientApplication.class, properties = {
        "eureka.client.enabled=false",
        // A refresh reads the configuration again from a copy of the standard property sources; this
        // test's own properties (which import the file) are kept in that copy, as an application's would be.
        "spring.cloud.refresh.additional-property-sources-to-retain=Inlined Test Properties",
        "spring.config.import=optional:file:" + LiveStrategyChangeTest.FILE})
class LiveStrategyChangeTest {

    static final String FILE = "target/live-strategy-change/live.properties";

    private static LoopbackBackends backends;
    private static final CountDownLatch SLOW = new CountDownLatch(1);

    static {
        try {
            writeConfig("round-robin"); // before the application reads its configuration
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Autowired
    private RestClient restClient;
    @Autowired
    private ConfiguredLoadBalancers loadBalancers;
    @Autowired
    private ContextRefresher refresher;

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) throws IOException {
        backends = LoopbackBackends.http();
        backends.all().forEach(b -> b.behaviour(r -> {
            if (r.getUrl().encodedPath().equals("/slow")) {
                try {
                    SLOW.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return new MockResponse.Builder().code(200).body(b.address()).build();
        }));
        String uris = backends.instances().stream().map(i -> i.uri().toString()).collect(Collectors.joining(","));
        registry.add("loadbalancer4j.instances.orders.static-instances", () -> uris);
    }

    @AfterAll
    static void stopBackends() {
        SLOW.countDown();
        backends.close();
    }

    private static void writeConfig(String strategy) throws IOException {
        Path file = Path.of(FILE);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "loadbalancer4j.instances.orders.strategy=" + strategy + "\n", StandardCharsets.UTF_8);
    }

    @Test
    void aChangedStrategyIsAppliedToTheRunningLoadBalancerUnderLoadWithoutAFailedCallKeepingBreakersAndInFlightCounts()
            throws Exception {
        LoadBalancer orders = loadBalancers.loadBalancer("orders").orElseThrow();
        assertThat(orders.getSelectionStrategy()).isEqualTo(SelectionStrategy.roundRobin());
        CircuitBreaker third = orders.getInstances().get(2).circuitBreaker();
        third.transitionToOpenState(); // an instance isolated before the change stays isolated after it
        List<CompletableFuture<String>> slowCalls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            slowCalls.add(CompletableFuture.supplyAsync(() -> restClient.get().uri("http://orders/slow").retrieve().body(String.class)));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> inFlight(orders).values().stream().mapToInt(Integer::intValue).sum() == 4);
        Map<String, Integer> inFlightBefore = inFlight(orders);

        Set<String> changed;
        CallLoop calls = CallLoop.start(2, () -> restClient.get().uri("http://orders/fast").retrieve().body(String.class));
        try (calls) {
            await().atMost(Duration.ofSeconds(20)).until(() -> calls.completed() >= 50);
            writeConfig("least-requests");

            changed = refresher.refresh();
            calls.mark("after");
            await().atMost(Duration.ofSeconds(20)).until(() -> calls.servedSince("after").values().stream().mapToInt(Integer::intValue).sum() >= 50);
        }
        Map<String, Integer> inFlightAfter = inFlight(orders); // the loop's calls have ended: the slow ones are left

        assertThat(calls.failures()).isEmpty();
        assertThat(calls.servedSince("after")).doesNotContainKey("127.0.0.13");
        assertThat(inFlightAfter).isEqualTo(inFlightBefore);

        assertThat(changed).contains("loadbalancer4j.instances.orders.strategy");
        assertThat(loadBalancers.loadBalancer("orders")).containsSame(orders);
        assertThat(orders.getSelectionStrategy()).isEqualTo(SelectionStrategy.leastRequests());
        assertThat(orders.getInstances().get(2).circuitBreaker()).isSameAs(third);
        assertThat(third.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        SLOW.countDown();
        for (CompletableFuture<String> call : slowCalls) {
            assertThat(call.get(20, TimeUnit.SECONDS)).isIn("127.0.0.11", "127.0.0.12");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> inFlight(orders).values().stream().allMatch(n -> n == 0));
    }

    private static Map<String, Integer> inFlight(LoadBalancer lb) {
        return lb.getInstances().stream().collect(Collectors.toMap(s -> s.instance().id(), InstanceStatus::inFlight));
    }
}
