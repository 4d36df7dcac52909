package io.github.loadbalancer4j.retry;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real HTTP over loopback: three MockWebServers on 127.0.0.11-13, one of them closed (connection refused). */
class RefusedConnectionFailoverTest {

    private final List<MockWebServer> servers = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private LoadBalancer lb;

    @BeforeEach
    void startServers() throws Exception {
        for (int i = 1; i <= 3; i++) {
            MockWebServer server = new MockWebServer();
            String name = "instance " + i;
            server.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) {
                    return new MockResponse(200, Headers.of(), name);
                }
            });
            server.start(InetAddress.getByName("127.0.0." + (10 + i)), 0);
            servers.add(server);
        }
    }

    @AfterEach
    void stopServers() {
        if (lb != null) {
            lb.close();
        }
        servers.forEach(MockWebServer::close);
    }

    @Test
    void everyCallSucceedsAndTheRefusingInstancesBreakerOpens() throws Exception {
        List<ServiceInstance> instances = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            instances.add(ServiceInstance.of("127.0.0." + (11 + i), servers.get(i).getPort()));
        }
        ServiceInstance refusing = instances.get(1);
        servers.get(1).close(); // nothing listens on its port any more: connections are refused
        // Default per-instance breakers; a clock that stands still keeps the open breaker open however slow the machine.
        lb = LoadBalancer.of("orders", InstanceSource.of(instances), LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin())
                .clock(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC)).build());
        Retry retry = Retry.of("orders", RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ZERO)
                .retryOnException(FailoverPredicates.safeForAnyCall()).build());
        List<Throwable> refusals = new CopyOnWriteArrayList<>();
        retry.getEventPublisher().onRetry(event -> refusals.add(event.getLastThrowable()));
        Callable<String> get = FailoverRetry.decorateCallable(retry, lb, instance -> {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(instance.uri("/orders/42")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.body();
        });

        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            bodies.add(get.call());
        }

        assertThat(bodies).hasSize(60).containsOnly("instance 1", "instance 3");
        assertThat(statusOf(refusing).circuitBreakerState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(statusOf(refusing).circuitBreaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(5);
        assertThat(refusals).hasSize(5).allSatisfy(e -> assertThat(e).isInstanceOf(ConnectException.class));
        assertThat(servers.get(0).getRequestCount() + servers.get(2).getRequestCount()).isEqualTo(60);
        assertThat(lb.getInstances()).extracting(InstanceStatus::inFlight).containsOnly(0);
    }

    @Test
    void asynchronousCallsAlsoSucceedAndTheRefusingInstancesBreakerOpens() throws Exception {
        List<ServiceInstance> instances = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            instances.add(ServiceInstance.of("127.0.0." + (11 + i), servers.get(i).getPort()));
        }
        ServiceInstance refusing = instances.get(2);
        servers.get(2).close();
        lb = LoadBalancer.of("orders", InstanceSource.of(instances), LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin())
                .clock(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC)).build());
        Retry retry = Retry.of("orders", RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ofMillis(1))
                .retryOnException(FailoverPredicates.safeForAnyCall()).build());
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            Supplier<CompletionStage<String>> get = FailoverRetry.decorateCompletionStage(retry, lb, scheduler,
                    instance -> http.sendAsync(HttpRequest.newBuilder(instance.uri("/orders/42")).GET().build(),
                            HttpResponse.BodyHandlers.ofString()).thenApply(HttpResponse::body));

            List<String> bodies = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                bodies.add(get.get().toCompletableFuture().get(10, TimeUnit.SECONDS));
            }

            assertThat(bodies).hasSize(30).containsOnly("instance 1", "instance 2");
            assertThat(statusOf(refusing).circuitBreakerState()).isEqualTo(CircuitBreaker.State.OPEN);
            assertThat(statusOf(refusing).circuitBreaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(5);
        } finally {
            scheduler.shutdownNow();
        }
    }

    private InstanceStatus statusOf(ServiceInstance instance) {
        return lb.getInstances().stream().filter(s -> s.instance().equals(instance)).findFirst().orElseThrow();
    }
}
