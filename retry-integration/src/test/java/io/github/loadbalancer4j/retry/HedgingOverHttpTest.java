package io.github.loadbalancer4j.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.testing.LoopbackBackends;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Functional hedging over real HTTP: the JDK's HttpClient against three MockWebServers on 127.0.0.11-13,
 * the first request any of them gets answered after 5 s.
 */
class HedgingOverHttpTest {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private LoopbackBackends backends;
    private LoadBalancer lb;

    @BeforeEach
    void start() throws Exception {
        backends = LoopbackBackends.http();
        AtomicBoolean first = new AtomicBoolean(true);
        for (LoopbackBackends.Backend b : backends.all()) {
            b.behaviour(request -> first.getAndSet(false)
                    ? new MockResponse.Builder().headersDelay(5, TimeUnit.SECONDS).body("slow " + b.address()).build()
                    : new MockResponse.Builder().body(b.address()).build());
        }
        lb = LoadBalancer.of("orders", InstanceSource.of(backends.instances()),
                LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).build());
    }

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
        lb.close();
        backends.close();
    }

    @Test
    void theHedgeAnswersFromAnotherServerAndTheSlowServerSeesItsConnectionClosed() throws Exception {
        Hedging hedging = Hedging.of(lb, HedgingPolicy.custom().delay(Duration.ofMillis(100)).budget(RetryBudget.unlimited()).build());
        long start = System.nanoTime();

        HttpResponse<String> response = hedging.executeCompletionStage(scheduler,
                instance -> http.sendAsync(HttpRequest.newBuilder(instance.uri("/orders/42")).GET().build(),
                        HttpResponse.BodyHandlers.ofString())).toCompletableFuture().get(10, TimeUnit.SECONDS);

        Duration took = Duration.ofNanos(System.nanoTime() - start);
        LoopbackBackends.Backend slow = backends.all().stream().filter(b -> b.log().size() == 1 && !response.body().equals(b.address()))
                .findFirst().orElseThrow();
        assertThat(took).isLessThan(Duration.ofSeconds(2));
        assertThat(backends.totalRequests()).isEqualTo(2);
        assertThat(response.body()).doesNotStartWith("slow");
        assertThat(slow.clientClosedAnUnansweredConnection(Duration.ofSeconds(2))).isTrue();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(lb.getInstances()).extracting(InstanceStatus::inFlight).containsOnly(0));
        assertThat(lb.getInstances()).extracting(s -> s.circuitBreaker().getMetrics().getNumberOfBufferedCalls())
                .containsExactlyInAnyOrder(1, 0, 0);
    }
}
