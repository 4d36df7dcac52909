package io.github.loadbalancer4j.okhttp;

import static io.github.loadbalancer4j.okhttp.Clients.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.testing.LoopbackBackends;
import io.github.resilience4j.retry.Retry;
import java.io.IOException;
import java.time.Duration;
import mockwebserver3.MockResponse;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Java examples of docs/okhttp-behaviour.md, as written there, against three local servers. */
class OkHttpDefaultsExampleTest {

    private LoopbackBackends backends;
    private LoadBalancer orders;

    @BeforeEach
    void start() throws IOException {
        backends = LoopbackBackends.http();
        orders = LoadBalancer.of("orders", InstanceSource.of(backends.instances()),
                LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).build());
    }

    @AfterEach
    void stop() {
        orders.close();
        backends.close();
    }

    @Test
    void fiveHundredsOnlyTreatsA429AsASuccess() throws IOException {
        backends.all().forEach(b -> b.behaviour(r -> new MockResponse.Builder().code(429).setHeader("Retry-After", "60").build()));

        LoadBalancingInterceptor fiveHundredsOnly = LoadBalancingInterceptor.builder()
                .route("orders", orders)
                .failureStatus(code -> code >= 500 && code <= 599) // a 429 is a success again, and holds nothing
                .build();

        OkHttpClient client = new OkHttpClient.Builder().addInterceptor(fiveHundredsOnly).build();
        for (int i = 0; i < 6; i++) {
            assertThat(get(client, "http://orders/x")).startsWith("429");
        }
        assertThat(orders.getInstances()).allSatisfy(s -> assertThat(s.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isZero());
        Clients.shutdown(client);
    }

    @Test
    void cappedHoldsAtMostThirtySeconds() throws IOException {
        backends.get(0).behaviour(r -> new MockResponse.Builder().code(429).setHeader("Retry-After", "3600").build());

        LoadBalancingInterceptor capped = LoadBalancingInterceptor.builder()
                .route("orders", orders)
                .maxRetryAfter(Duration.ofSeconds(30)) // hold at most 30 s; Duration.ZERO never holds
                .build();

        OkHttpClient client = new OkHttpClient.Builder().addInterceptor(capped).build();
        for (int i = 0; i < 9; i++) {
            get(client, "http://orders/x");
        }
        assertThat(backends.get(0).log()).hasSize(1); // held after its first 429
        Clients.shutdown(client);
    }

    @Test
    void exactlyOnceTurnsOkHttpsRetryOff() {
        Retry retry = Retry.ofDefaults("orders");

        OkHttpClient exactlyOnce = new OkHttpClient.Builder()
                .addInterceptor(LoadBalancingInterceptor.builder().route("orders", orders).retry(retry).build())
                .retryOnConnectionFailure(false) // neither OkHttp nor the interceptor sends a POST again
                .build();

        assertThat(exactlyOnce.retryOnConnectionFailure()).isFalse();
        Clients.shutdown(exactlyOnce);
    }

    @Test
    void perInstancePoolsAreSizedAndEvicted() throws IOException {
        LoadBalancingInterceptor interceptor = LoadBalancingInterceptor.builder()
                .route("orders", orders)
                .connectionPoolPerInstance(10, Duration.ofMinutes(1)) // per instance: 10 idle connections, kept 1 minute
                .build();
        OkHttpClient client = new OkHttpClient.Builder().addInterceptor(interceptor).build();
        for (int i = 0; i < 6; i++) {
            get(client, "http://orders/x");
        }
        assertThat(interceptor.idleConnectionCount()).isEqualTo(3);

        interceptor.evictAll(); // the routed calls' idle connections
        client.connectionPool().evictAll(); // the rest (unrouted hosts, health probes)

        assertThat(interceptor.connectionCount()).isZero();
        client.dispatcher().executorService().shutdown();
    }
}
