package io.github.loadbalancer4j.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.NoAvailableInstanceException;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.retry.RetryBudget;
import io.github.loadbalancer4j.testing.LoopbackBackends;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * {@link LoadBalancingClientHttpRequestInterceptor} on a RestClient against real backends on
 * 127.0.0.11-13: routing, outcomes, and failover on the retry module's engine.
 */
class RestClientRoutingTest {

    private LoopbackBackends backends;
    private LoadBalancer orders;
    private final List<TrackedResponse> responses = new CopyOnWriteArrayList<>();

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

    private RestClient client(LoadBalancerRoute route) {
        LoadBalancerRoutes routes = LoadBalancerRoutes.of(Map.of("orders", route));
        return RestClient.builder()
                .requestFactory(new TrackingFactory(new JdkClientHttpRequestFactory(), responses))
                .requestInterceptor(LoadBalancingClientHttpRequestInterceptor.of(routes))
                .defaultStatusHandler(HttpStatusCode::isError, (request, response) -> { })
                .build();
    }

    private static Retry retry(int maxAttempts) {
        return Retry.of("orders", RetryConfig.custom().maxAttempts(maxAttempts).waitDuration(java.time.Duration.ofMillis(1)).build());
    }

    @Test
    void routedHostGoesToTheInstancesAndOtherHostsPassUntouched() {
        RestClient client = client(LoadBalancerRoute.of(orders));

        List<String> served = List.of(
                client.get().uri("http://orders/a").retrieve().body(String.class),
                client.get().uri("http://orders/b").retrieve().body(String.class),
                client.get().uri("http://orders/c").retrieve().body(String.class));
        String direct = client.get().uri("http://127.0.0.12:" + backends.port() + "/direct").retrieve().body(String.class);

        assertThat(served).containsExactlyInAnyOrder("127.0.0.11", "127.0.0.12", "127.0.0.13");
        assertThat(direct).isEqualTo("127.0.0.12");
        assertThat(backends.get(1).log()).extracting(r -> r.getUrl().encodedPath()).contains("/direct");
    }

    @Test
    void pathQueryAndHeadersReachTheInstanceAsWritten() {
        RestClient client = client(LoadBalancerRoute.of(orders));

        client.get().uri(URI.create("http://orders/orders/a%20b?x=1&y=%2F")).header("X-Trace", "t1").retrieve().toBodilessEntity();

        var request = backends.all().stream().flatMap(b -> b.log().stream()).findFirst().orElseThrow();
        assertThat(request.getUrl().encodedPath()).isEqualTo("/orders/a%20b");
        assertThat(request.getUrl().encodedQuery()).isEqualTo("x=1&y=%2F");
        assertThat(request.getHeaders().get("X-Trace")).isEqualTo("t1");
    }

    @Test
    void failureStatusesCountOnTheInstancesBreakerAndTheCallerGetsTheResponse() {
        backends.get(2).behaviour(r -> new MockResponse.Builder().code(503).body("busy").build());
        RestClient client = client(LoadBalancerRoute.of(orders));

        int failures = 0;
        for (int i = 0; i < 9; i++) {
            if (client.get().uri("http://orders/x").retrieve().toEntity(String.class).getStatusCode().value() == 503) {
                failures++;
            }
        }

        assertThat(failures).isEqualTo(3);
        assertThat(orders.getInstances().get(2).circuitBreaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(3);
        assertThat(orders.getInstances().get(0).circuitBreaker().getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(3);
    }

    @Test
    void withARetryAFailingInstanceIsFailedOverAndTheRetriedResponseIsClosed() {
        backends.get(0).behaviour(r -> new MockResponse.Builder().code(500).body("broken").build());
        RestClient client = client(LoadBalancerRoute.of(orders, retry(3), RetryBudget.unlimited()));

        for (int i = 0; i < 6; i++) {
            assertThat(client.get().uri("http://orders/x").retrieve().body(String.class)).isIn("127.0.0.12", "127.0.0.13");
        }

        assertThat(backends.get(0).log()).isNotEmpty();
        List<TrackedResponse> retried = responses.stream().filter(r -> r.status == 500).toList();
        assertThat(retried).isNotEmpty().allSatisfy(r -> assertThat(r.closed).isTrue());
    }

    @Test
    void aPostIsNotSentAgainAfterItReachedAnInstance() {
        backends.all().forEach(b -> b.behaviour(r -> new MockResponse.Builder().code(500).body(b.address()).build()));
        RestClient client = client(LoadBalancerRoute.of(orders, retry(3), RetryBudget.unlimited()));

        int status = client.post().uri("http://orders/orders").body("order").retrieve().toBodilessEntity().getStatusCode().value();

        assertThat(status).isEqualTo(500);
        assertThat(backends.totalRequests()).isEqualTo(1);
    }

    @Test
    void aPostMovesOnFromAnInstanceThatRefusedTheConnection() throws IOException {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.12"))) {
            closedPort = probe.getLocalPort();
        }
        LoadBalancer mixed = LoadBalancer.of("orders", InstanceSource.of(
                        ServiceInstance.of("127.0.0.12", closedPort), ServiceInstance.of("127.0.0.11", backends.port())),
                LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).build());
        RestClient client = client(LoadBalancerRoute.of(mixed, retry(3), RetryBudget.unlimited()));

        for (int i = 0; i < 4; i++) {
            assertThat(client.post().uri("http://orders/orders").body("order").retrieve().body(String.class))
                    .isEqualTo("127.0.0.11");
        }

        assertThat(backends.get(0).log()).hasSize(4);
        mixed.close();
    }

    @Test
    void whenEveryInstanceFailsTheCallerGetsTheLastResponse() {
        backends.all().forEach(b -> b.behaviour(r -> new MockResponse.Builder().code(502).body(b.address()).build()));
        RestClient client = client(LoadBalancerRoute.of(orders, retry(3), RetryBudget.unlimited()));

        var response = client.get().uri("http://orders/x").retrieve().toEntity(String.class);

        assertThat(response.getStatusCode().value()).isEqualTo(502);
        assertThat(backends.all()).allSatisfy(b -> assertThat(b.log()).hasSize(1));
        assertThat(responses).hasSize(3);
        assertThat(responses.subList(0, 2)).allSatisfy(r -> assertThat(r.closed).isTrue());
    }

    @Test
    void noAvailableInstanceFailsWithTheLoadBalancersMessage() {
        LoadBalancer empty = LoadBalancer.of("orders", InstanceSource.of());
        RestClient client = client(LoadBalancerRoute.of(empty));

        assertThatThrownBy(() -> client.get().uri("http://orders/x").retrieve().toBodilessEntity())
                .isInstanceOf(ResourceAccessException.class)
                .hasRootCauseInstanceOf(NoAvailableInstanceException.class)
                .hasMessageContaining("LoadBalancer 'orders' has no available instance");
        empty.close();
    }

    @Test
    void aRetryAfterOn429HoldsTheInstanceOut() {
        backends.get(0).behaviour(r -> new MockResponse.Builder().code(429).addHeader("Retry-After", "30").build());
        RestClient client = client(LoadBalancerRoute.of(orders, retry(3), RetryBudget.unlimited()));

        for (int i = 0; i < 6; i++) {
            client.get().uri("http://orders/x").retrieve().body(String.class);
        }

        assertThat(backends.get(0).log()).hasSize(1);
        assertThat(orders.getInstances().get(0).available()).isFalse();
    }

    /** A response that records whether it was closed. */
    static final class TrackedResponse implements ClientHttpResponse {
        final ClientHttpResponse delegate;
        final int status;
        volatile boolean closed;

        TrackedResponse(ClientHttpResponse delegate) throws IOException {
            this.delegate = delegate;
            this.status = delegate.getStatusCode().value();
        }

        @Override
        public HttpStatusCode getStatusCode() throws IOException {
            return delegate.getStatusCode();
        }

        @Override
        public String getStatusText() throws IOException {
            return delegate.getStatusText();
        }

        @Override
        public void close() {
            closed = true;
            delegate.close();
        }

        @Override
        public java.io.InputStream getBody() throws IOException {
            return delegate.getBody();
        }

        @Override
        public HttpHeaders getHeaders() {
            return delegate.getHeaders();
        }
    }

    /** A request factory whose responses record whether they were closed. */
    static final class TrackingFactory implements ClientHttpRequestFactory {
        private final ClientHttpRequestFactory delegate;
        private final List<TrackedResponse> responses;

        TrackingFactory(ClientHttpRequestFactory delegate, List<TrackedResponse> responses) {
            this.delegate = delegate;
            this.responses = responses;
        }

        @Override
        public ClientHttpRequest createRequest(URI uri, HttpMethod httpMethod) throws IOException {
            return new TrackingRequest(delegate.createRequest(uri, httpMethod), responses);
        }
    }

    /** A request whose response is tracked. */
    static final class TrackingRequest implements ClientHttpRequest {
        private final ClientHttpRequest delegate;
        private final List<TrackedResponse> responses;

        TrackingRequest(ClientHttpRequest delegate, List<TrackedResponse> responses) {
            this.delegate = delegate;
            this.responses = responses;
        }

        @Override
        public ClientHttpResponse execute() throws IOException {
            TrackedResponse response = new TrackedResponse(delegate.execute());
            responses.add(response);
            return response;
        }

        @Override
        public java.io.OutputStream getBody() throws IOException {
            return delegate.getBody();
        }

        @Override
        public HttpMethod getMethod() {
            return delegate.getMethod();
        }

        @Override
        public URI getURI() {
            return delegate.getURI();
        }

        @Override
        public Map<String, Object> getAttributes() {
            return delegate.getAttributes();
        }

        @Override
        public HttpHeaders getHeaders() {
            return delegate.getHeaders();
        }
    }
}
