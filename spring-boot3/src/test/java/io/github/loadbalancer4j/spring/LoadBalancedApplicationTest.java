package io.github.loadbalancer4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.spring.app.ClientApplication;
import io.github.loadbalancer4j.testing.LoopbackBackends;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A real Spring Boot application (Tomcat on a random port, Actuator) whose RestClient and WebClient
 * call {@code http://orders/...} and {@code http://payments/...}, served by real backends on
 * 127.0.0.11-13.
 */
@SpringBootTest(classes = ClientApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "eureka.client.enabled=false",
        "management.endpoints.web.exposure.include=loadbalancers,health",
        "management.endpoint.health.show-details=always",
        "loadbalancer4j.configs.default.strategy=round-robin",
        "loadbalancer4j.instances.payments.retry=payments",
        "resilience4j.retry.instances.payments.max-attempts=3",
        "resilience4j.retry.instances.payments.wait-duration=1ms"})
class LoadBalancedApplicationTest {

    private static LoopbackBackends backends;

    @LocalServerPort
    private int port;
    @Autowired
    private RestClient restClient;
    @Autowired
    private WebClient webClient;
    @Autowired
    private ConfiguredLoadBalancers loadBalancers;

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) throws IOException {
        backends = LoopbackBackends.http();
        // Payments fails on .13 only, so that orders' calls stay balanced over all three.
        LoopbackBackends.Backend third = backends.get(2);
        third.behaviour(r -> r.getUrl().encodedPath().startsWith("/payments")
                ? new MockResponse.Builder().code(500).body("broken").build()
                : new MockResponse.Builder().code(200).body(third.address()).build());
        String uris = backends.instances().stream().map(i -> i.uri().toString()).collect(Collectors.joining(","));
        registry.add("loadbalancer4j.instances.orders.static-instances", () -> uris);
        registry.add("loadbalancer4j.instances.payments.static-instances", () -> uris);
    }

    @AfterAll
    static void stopBackends() {
        backends.close();
    }

    @Test
    void restClientCallsAreBalancedOverTheBackends() {
        Map<String, Integer> served = new HashMap<>();

        for (int i = 0; i < 30; i++) {
            served.merge(restClient.get().uri("http://orders/orders/" + i).retrieve().body(String.class), 1, Integer::sum);
        }

        assertThat(served).containsExactlyInAnyOrderEntriesOf(Map.of("127.0.0.11", 10, "127.0.0.12", 10, "127.0.0.13", 10));
    }

    @Test
    void webClientCallsAreBalancedOverTheBackends() {
        Map<String, Integer> served = new HashMap<>();

        for (int i = 0; i < 30; i++) {
            served.merge(webClient.get().uri("http://orders/orders/" + i).retrieve().bodyToMono(String.class)
                    .block(Duration.ofSeconds(10)), 1, Integer::sum);
        }

        assertThat(served).containsExactlyInAnyOrderEntriesOf(Map.of("127.0.0.11", 10, "127.0.0.12", 10, "127.0.0.13", 10));
    }

    @Test
    void aFailingBackendsBreakerOpensWhileCallsSucceedAndTheEndpointShowsIt() throws Exception {
        LoadBalancer payments = loadBalancers.loadBalancer("payments").orElseThrow();
        CircuitBreaker third = payments.getInstances().get(2).circuitBreaker();

        for (int i = 0; i < 40; i++) {
            String body = i % 2 == 0
                    ? restClient.get().uri("http://payments/payments/" + i).retrieve().body(String.class)
                    : webClient.get().uri("http://payments/payments/" + i).retrieve().bodyToMono(String.class).block(Duration.ofSeconds(10));
            assertThat(body).isIn("127.0.0.11", "127.0.0.12");
        }
        long reachedWhileOpen = backends.get(2).log().stream().filter(r -> r.getUrl().encodedPath().startsWith("/payments")).count();
        for (int i = 0; i < 10; i++) {
            restClient.get().uri("http://payments/payments/late").retrieve().body(String.class);
        }
        JsonNode endpoint = getJson("/actuator/loadbalancers/payments");
        JsonNode health = getJson("/actuator/health/loadbalancers");

        assertThat(third.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(backends.get(2).log().stream().filter(r -> r.getUrl().encodedPath().startsWith("/payments")).count())
                .isEqualTo(reachedWhileOpen);
        assertThat(endpoint.get("strategy").asText()).isEqualTo(SelectionStrategy.roundRobin().toString());
        assertThat(endpoint.get("retry").asText()).isEqualTo("payments");
        assertThat(endpoint.get("availableInstances").asInt()).isEqualTo(2);
        JsonNode instance = endpoint.get("instances").get(2);
        assertThat(instance.get("id").asText()).isEqualTo("127.0.0.13:" + backends.port());
        assertThat(instance.get("circuitBreakerState").asText()).isEqualTo("OPEN");
        assertThat(instance.get("available").asBoolean()).isFalse();
        assertThat(endpoint.get("instances").get(0).get("circuitBreakerState").asText()).isEqualTo("CLOSED");
        assertThat(endpoint.get("instances").get(0).get("latencyMillis").asDouble()).isPositive();
        assertThat(endpoint.get("instances").get(0).has("inFlight")).isTrue();
        assertThat(health.get("status").asText()).isEqualTo("UP");
        assertThat(health.get("details").get("payments").get("circuitOpen").asInt()).isEqualTo(1);
    }

    @Test
    void theEndpointListsEveryLoadBalancer() throws Exception {
        JsonNode all = getJson("/actuator/loadbalancers");

        assertThat(all.get("loadBalancers").fieldNames()).toIterable().containsExactlyInAnyOrder("orders", "payments");
        assertThat(all.get("loadBalancers").get("orders").get("knownInstances").asInt()).isEqualTo(3);
    }

    private JsonNode getJson(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return new ObjectMapper().readTree(response.body());
    }
}
