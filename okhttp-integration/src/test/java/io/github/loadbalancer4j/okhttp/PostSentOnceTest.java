package io.github.loadbalancer4j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.testing.LoopbackBackends;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import mockwebserver3.MockResponse;
import mockwebserver3.SocketEffect;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who may send a POST twice. The interceptor never sends again a request that may have reached a
 * server unless it is idempotent; OkHttp itself, below the interceptor, repeats a request on a fresh
 * connection to the same instance when a pooled connection fails ({@code retryOnConnectionFailure},
 * on by default), even after the server read the whole body. Here every backend reads the POST's
 * body and then closes the connection without answering, after a GET left a used connection in the
 * pool. Failover is on in every case. The exactly-once setting is the one docs/okhttp-behaviour.md shows.
 */
class PostSentOnceTest {

    private static final MediaType TEXT = MediaType.get("text/plain");

    private LoopbackBackends backends;
    private LoadBalancer orders;

    @BeforeEach
    void start() throws IOException {
        backends = LoopbackBackends.http();
        for (LoopbackBackends.Backend b : backends.all()) {
            b.behaviour(r -> "POST".equals(r.getMethod())
                    ? new MockResponse.Builder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build()
                    : new MockResponse.Builder().body(b.address()).build());
        }
        orders = Clients.loadBalancer(backends.instances());
    }

    @AfterEach
    void stop() {
        orders.close();
        backends.close();
    }

    private OkHttpClient.Builder clientWithFailover() {
        Retry retry = Retry.of("orders", RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ofMillis(5)).build());
        return new OkHttpClient.Builder()
                .addInterceptor(LoadBalancingInterceptor.builder().route("orders", orders).retry(retry).build());
    }

    /** A GET to every instance, so that each has a used connection in the pool, as in a running service. */
    private void warmUp(OkHttpClient client) throws IOException {
        for (int i = 0; i < 3; i++) {
            Clients.get(client, "http://orders/warm-up");
        }
        assertThat(backends.all()).allSatisfy(b -> assertThat(b.log()).hasSize(1));
    }

    private List<String> postBodiesReceived() {
        return backends.all().stream().flatMap(b -> b.log().stream()).filter(r -> r.getMethod().equals("POST"))
                .map(r -> r.getBody().utf8()).collect(Collectors.toList());
    }

    @Test
    void withOkHttpsDefaultsAPostWhoseConnectionBrokeAfterTheBodyIsSentAgainByOkHttp() throws IOException {
        OkHttpClient client = clientWithFailover().build();
        warmUp(client);

        assertThatThrownBy(() -> client.newCall(post(RequestBody.create("pay-once", TEXT))).execute().close())
                .isInstanceOf(IOException.class);

        // OkHttp's own retries, all to the same instance on new connections: 3 sends with OkHttp 5.5.1
        // (the failed pooled connection, then the route again, then the route postponed as failed).
        assertThat(postBodiesReceived()).hasSizeGreaterThanOrEqualTo(2).containsOnly("pay-once");
        assertThat(backends.all().stream().filter(b -> b.log().size() > 1)).hasSize(1);
        Clients.shutdown(client);
    }

    @Test
    void withRetryOnConnectionFailureOffThePostIsSentExactlyOnceAndTheCallerGetsTheFailure() throws IOException {
        OkHttpClient client = clientWithFailover()
                .retryOnConnectionFailure(false) // exactly once: neither OkHttp nor the interceptor sends it again
                .build();
        warmUp(client);

        assertThatThrownBy(() -> client.newCall(post(RequestBody.create("pay-once", TEXT))).execute().close())
                .isInstanceOf(IOException.class);

        assertThat(postBodiesReceived()).containsExactly("pay-once");
        Clients.shutdown(client);
    }

    @Test
    void aOneShotBodyIsSentOnceEvenWithOkHttpsDefaults() throws IOException {
        OkHttpClient client = clientWithFailover().build();
        warmUp(client);
        RequestBody oneShot = Clients.oneShot("pay-once");

        assertThatThrownBy(() -> client.newCall(post(oneShot)).execute().close()).isInstanceOf(IOException.class);

        assertThat(postBodiesReceived()).containsExactly("pay-once");
        Clients.shutdown(client);
    }

    private static Request post(RequestBody body) {
        return new Request.Builder().url("http://orders/payments").post(body).build();
    }
}
