package io.github.loadbalancer4j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.health.HealthCheckConfig;
import io.github.loadbalancer4j.health.HealthChecker;
import io.github.loadbalancer4j.testing.LoopbackBackends;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import java.io.IOException;
import java.time.Duration;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/**
 * The examples of {@code docs/okhttp.md}, verbatim, run against three MockWebServers on
 * 127.0.0.11-13: the five-line setup and a call by the service's name (one server down, so the
 * calls fail over), and HTTP health checks.
 */
class OkHttpPageTest {

    @Test
    void theServiceIsCalledByItsNameAndFailsOverFromTheInstanceThatIsDown() throws IOException {
        try (LoopbackBackends backends = LoopbackBackends.http()) {
            backends.get(1).close();
            InstanceSource source = InstanceSource.of(backends.instances());

            LoadBalancer orders = LoadBalancer.of("orders", source);
            Retry retry = RetryRegistry.ofDefaults().retry("orders");                  // optional: failover
            OkHttpClient client = new OkHttpClient.Builder()
                    .addInterceptor(LoadBalancingInterceptor.builder().route("orders", orders).retry(retry).build())
                    .build();
            for (int i = 0; i < 4; i++) {
                try (Response response = client.newCall(new Request.Builder().url("http://orders/orders/42").build()).execute()) {
                    System.out.println(response.code() + " " + response.body().string());   // served by one of the instances
                }
            }

            assertThat(backends.get(0).log().size() + backends.get(2).log().size()).as("each call answered once").isEqualTo(4);
            assertThat(backends.all()).flatExtracting(b -> b.log()).extracting(RecordedRequest::getTarget).containsOnly("/orders/42");
            assertThat(retry.getMetrics().getNumberOfFailedCallsWithoutRetryAttempt()
                    + retry.getMetrics().getNumberOfFailedCallsWithRetryAttempt()).isZero();
            Clients.shutdown(client);
            orders.close();
        }
    }

    @Test
    void httpHealthChecksFindTheInstancesHealthy() throws IOException {
        try (LoopbackBackends backends = LoopbackBackends.http()) {
            OkHttpClient client = new OkHttpClient();
            InstanceSource source = InstanceSource.of(backends.instances());

            HealthChecker http = OkHttpHealthChecker.head(client, "/health");                 // or .get(client, "/ready")
            HealthChecker https = OkHttpHealthChecker.builder(client).path("/health").logicalHost("orders.example.com").build();
            LoadBalancer orders = LoadBalancer.of("orders", source, LoadBalancerConfig.custom()
                    .healthCheck(HealthCheckConfig.custom(http).interval(Duration.ofSeconds(1)).timeout(Duration.ofMillis(500)).build())
                    .build());

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(orders.getInstances())
                    .extracting(InstanceStatus::health).containsOnly(InstanceStatus.Health.HEALTHY));
            assertThat(backends.all()).allSatisfy(b -> assertThat(b.log()).extracting(RecordedRequest::getMethod, RecordedRequest::getTarget)
                    .contains(tuple("HEAD", "/health")));
            assertThat(https).hasToString("OkHttpHealthChecker{HEAD /health, https as orders.example.com}");
            orders.close();
            Clients.shutdown(client);
        }
    }
}
