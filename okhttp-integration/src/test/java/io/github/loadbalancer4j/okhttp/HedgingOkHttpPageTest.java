package io.github.loadbalancer4j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.retry.HedgingPolicy;
import io.github.loadbalancer4j.testing.LoopbackBackends;
import java.io.IOException;
import java.time.Duration;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The OkHttp example of docs/hedging.md, against three MockWebServers on 127.0.0.11-13. */
class HedgingOkHttpPageTest {

    private LoopbackBackends backends;
    private LoadBalancer orders;

    @BeforeEach
    void start() throws IOException {
        backends = LoopbackBackends.http();
        orders = Clients.loadBalancer(backends.instances());
    }

    @AfterEach
    void stop() {
        orders.close();
        backends.close();
    }

    @Test
    void okHttpExample() throws IOException {
        OkHttpClient client = new OkHttpClient.Builder()
                .addInterceptor(LoadBalancingInterceptor.builder()
                        .route("orders", orders)
                        .hedging(HedgingPolicy.custom().delay(Duration.ofMillis(50)).build())   // GET, HEAD and OPTIONS
                        .deadline(Duration.ofMillis(300))                                        // attempts and backoffs together
                        .build())
                .build();

        String answer = Clients.get(client, "http://orders/orders/42");

        assertThat(answer).startsWith("200 127.0.0.1");
        assertThat(Clients.interceptorsOf(client).get(0).getHedging("orders").getMetrics().getNumberOfCalls()).isEqualTo(1);
        Clients.shutdown(client);
    }
}
