package io.github.loadbalancer4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.okhttp.LoadBalancingInterceptor;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/**
 * The example of {@code docs/demo.md}, verbatim, against the demo's three backends (the flaky one
 * failing every request from the start): every call answers 200 while the flaky instance's breaker
 * opens.
 */
class DemoPageTest {

    @Test
    void everyCallSucceedsWhileTheFlakyBackendIsEjected() throws IOException {
        try (Backends backends = new Backends(0)) {
            List<ServiceInstance> instances = backends.instances();

            LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(instances),
                    LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).build());
            Retry retry = RetryRegistry.of(RetryConfig.<Response>custom()
                    .maxAttempts(3)                                   // the first attempt and up to 2 retries
                    .waitDuration(Duration.ofMillis(10))
                    .retryExceptions(IOException.class)               // connect failures; for GETs any I/O error
                    .retryOnResult(response -> response.code() >= 500)
                    .build()).retry("orders");
            OkHttpClient client = new OkHttpClient.Builder()
                    .addInterceptor(LoadBalancingInterceptor.builder().route("orders", lb).retry(retry).build())
                    .retryOnConnectionFailure(false)                  // failover is the interceptor's job
                    .build();
            try (Response response = client.newCall(new Request.Builder().url("http://orders/hello").build()).execute()) {
                System.out.println(response.code());              // 200, also once the flaky backend fails every request
            }
            for (int i = 1; i < 60; i++) {
                try (Response more = client.newCall(new Request.Builder().url("http://orders/hello").build()).execute()) {
                    more.body().string();
                }
            }

            CircuitBreaker flaky = lb.getInstances().get(2).circuitBreaker();
            assertThat(flaky.getState()).isEqualTo(CircuitBreaker.State.OPEN);
            assertThat(backends.failures(Backends.FLAKY)).isEqualTo(backends.requests(Backends.FLAKY)).isPositive();
            assertThat(backends.requests(Backends.FAST) + backends.requests(Backends.SLOW))
                    .as("every call answered once by a healthy backend").isEqualTo(60);
            assertThat(backends.failures(Backends.FAST) + backends.failures(Backends.SLOW)).isZero();
            assertThat(retry.getMetrics().getNumberOfFailedCallsWithRetryAttempt()
                    + retry.getMetrics().getNumberOfFailedCallsWithoutRetryAttempt()).isZero();
            lb.close();
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }
}
