package io.github.loadbalancer4j.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.NoAvailableInstanceException;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.retry.RetryBudget;
import io.github.loadbalancer4j.testing.LoopbackBackends;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;

/** {@link LoadBalancingExchangeFilterFunction} on a WebClient against real backends on 127.0.0.11-13. */
class WebClientRoutingTest {

    private LoopbackBackends backends;
    private LoadBalancer orders;

    @BeforeEach
    void startBackends() throws IOException {
        backends = LoopbackBackends.http();
        orders = LoadBalancer.of("orders", InstanceSource.of(backends.instances()),
                LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).build());
    }

    @AfterEach
    void stopBackends() {
        orders.close();
        backends.close();
    }

    private static WebClient client(LoadBalancerRoute route) {
        return WebClient.builder()
                .filter(LoadBalancingExchangeFilterFunction.of(LoadBalancerRoutes.of(Map.of("orders", route))))
                .build();
    }

    private static Retry retry(int maxAttempts) {
        return Retry.of("orders", RetryConfig.custom().maxAttempts(maxAttempts).waitDuration(Duration.ofMillis(1)).build());
    }

    private static int status(WebClient client, String method, String uri) {
        return client.method(org.springframework.http.HttpMethod.valueOf(method)).uri(uri)
                .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value()))
                .block(Duration.ofSeconds(10));
    }

    @Test
    void callsAreSpreadOverTheInstancesAndOtherHostsPassUntouched() {
        WebClient client = client(LoadBalancerRoute.of(orders));

        List<String> served = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            served.add(client.get().uri("http://orders/x").retrieve().bodyToMono(String.class).block(Duration.ofSeconds(10)));
        }
        String direct = client.get().uri("http://127.0.0.13:" + backends.port() + "/direct").retrieve().bodyToMono(String.class)
                .block(Duration.ofSeconds(10));

        assertThat(served).filteredOn("127.0.0.11"::equals).hasSize(3);
        assertThat(served).filteredOn("127.0.0.12"::equals).hasSize(3);
        assertThat(served).filteredOn("127.0.0.13"::equals).hasSize(3);
        assertThat(direct).isEqualTo("127.0.0.13");
    }

    @Test
    void withARetryAFailingInstanceIsFailedOverAndItsBreakerCountsTheFailures() {
        backends.get(1).behaviour(r -> new MockResponse.Builder().code(500).body("broken").build());
        WebClient client = client(LoadBalancerRoute.of(orders, retry(3), RetryBudget.unlimited()));

        for (int i = 0; i < 6; i++) {
            assertThat(client.get().uri("http://orders/x").retrieve().bodyToMono(String.class).block(Duration.ofSeconds(10)))
                    .isIn("127.0.0.11", "127.0.0.13");
        }

        assertThat(orders.getInstances().get(1).circuitBreaker().getMetrics().getNumberOfFailedCalls())
                .isEqualTo(backends.get(1).log().size()).isPositive();
    }

    @Test
    void aPostIsNotSentAgainAfterItReachedAnInstance() {
        backends.all().forEach(b -> b.behaviour(r -> new MockResponse.Builder().code(503).build()));
        WebClient client = client(LoadBalancerRoute.of(orders, retry(3), RetryBudget.unlimited()));

        assertThat(status(client, "POST", "http://orders/orders")).isEqualTo(503);

        assertThat(backends.totalRequests()).isEqualTo(1);
    }

    @Test
    void whenEveryInstanceFailsTheSubscriberGetsTheLastResponse() {
        backends.all().forEach(b -> b.behaviour(r -> new MockResponse.Builder().code(502).body(b.address()).build()));
        WebClient client = client(LoadBalancerRoute.of(orders, retry(3), RetryBudget.unlimited()));

        assertThat(status(client, "GET", "http://orders/x")).isEqualTo(502);

        assertThat(backends.all()).allSatisfy(b -> assertThat(b.log()).hasSize(1));
    }

    @Test
    void aCancelledExchangeGivesItsPermissionBackWithoutRecordingAnything() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        backends.all().forEach(b -> b.behaviour(r -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new MockResponse.Builder().code(200).body("late").build();
        }));
        WebClient client = client(LoadBalancerRoute.of(orders));

        Disposable call = client.get().uri("http://orders/slow").retrieve().bodyToMono(String.class).subscribe();
        await().atMost(Duration.ofSeconds(10)).until(() -> orders.getInstances().stream().mapToInt(s -> s.inFlight()).sum() == 1);
        call.dispose();
        release.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> orders.getInstances().stream().mapToInt(s -> s.inFlight()).sum() == 0);
        assertThat(orders.getInstances()).allSatisfy(s -> assertThat(s.circuitBreaker().getMetrics().getNumberOfBufferedCalls()).isZero());
    }

    @Test
    void noAvailableInstanceFailsTheExchange() {
        LoadBalancer empty = LoadBalancer.of("orders", InstanceSource.of());
        WebClient client = client(LoadBalancerRoute.of(empty));

        assertThatThrownBy(() -> client.get().uri("http://orders/x").retrieve().bodyToMono(String.class).block(Duration.ofSeconds(10)))
                .isInstanceOf(NoAvailableInstanceException.class)
                .hasMessageContaining("LoadBalancer 'orders' has no available instance");
        empty.close();
    }
}
