package io.github.loadbalancer4j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.testing.LoopbackBackends;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/** The README's OkHttp setup, run against three local servers, one of them down. */
class ReadmeExampleTest {

    @Test
    void readmeSetupCallsTheServiceByNameAndFailsOver() throws IOException {
        try (LoopbackBackends backends = LoopbackBackends.http()) {
            backends.get(1).close();
            String[] uris = backends.all().stream().map(b -> "http://" + b.address() + ":" + backends.port()).toArray(String[]::new);
            List<String> answers = new ArrayList<>();

            LoadBalancer orders = LoadBalancer.of("orders", InstanceSource.ofUris(uris));
            Retry retry = RetryRegistry.ofDefaults().retry("orders");
            OkHttpClient client = new OkHttpClient.Builder()
                    .addInterceptor(LoadBalancingInterceptor.builder().route("orders", orders).retry(retry).build())
                    .build();
            for (int i = 0; i < 4; i++) {
                try (Response response = client.newCall(new Request.Builder().url("http://orders/orders/42").build()).execute()) {
                    answers.add(response.code() + " " + response.body().string());
                }
            }

            assertThat(answers).containsOnly("200 127.0.0.11", "200 127.0.0.13");
            Clients.shutdown(client);
            orders.close();
        }
    }
}
