package io.github.loadbalancer4j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.health.HealthCheckConfig;
import io.github.loadbalancer4j.testing.LoopbackBackends;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import mockwebserver3.MockResponse;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/**
 * The README's recipe, run: eject an instance after 3 consecutive timeouts, probe it in the
 * background with HTTP health checks, and let real calls confirm it is back.
 */
class HealthRecipeTest {

    @Test
    void ejectAfterThreeTimeoutsProbeInTheBackgroundAndComeBack() throws Exception {
        try (LoopbackBackends backends = LoopbackBackends.http()) {
            LoopbackBackends.Backend sick = backends.get(2);
            sick.behaviour(r -> new MockResponse.Builder().code(200).body("late").headersDelay(2, TimeUnit.SECONDS).build());
            OkHttpClient client = new OkHttpClient.Builder().readTimeout(Duration.ofMillis(300)).build();
            CircuitBreakerConfig ejectAfterThreeTimeouts = CircuitBreakerConfig.custom()
                    .slidingWindow(3, 3, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                    .failureRateThreshold(100)
                    .recordExceptions(SocketTimeoutException.class, TimeoutException.class)
                    .waitDurationInOpenState(Duration.ofSeconds(30))
                    .build();
            LoadBalancer orders = LoadBalancer.of("orders", InstanceSource.of(backends.instances()), LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin())
                    .circuitBreakerConfig(ejectAfterThreeTimeouts)
                    .healthCheck(HealthCheckConfig.custom(OkHttpHealthChecker.head(client, "/health"))
                            .interval(Duration.ofMillis(250)).timeout(Duration.ofMillis(200)).build())
                    .build());
            // A Callable, so the breaker sees the SocketTimeoutException itself, not wrapped.
            Callable<String> getOrder = LoadBalancer.decorateCallable(orders, instance -> get(client, instance));
            CircuitBreaker breaker = orders.getInstances().get(2).circuitBreaker();

            int timeouts = 0;
            for (int i = 0; i < 60 && breaker.getState() != CircuitBreaker.State.OPEN; i++) {
                try {
                    getOrder.call();
                } catch (SocketTimeoutException e) {
                    timeouts++;
                }
            }
            long callsBeforeEjection = gets(sick);
            for (int i = 0; i < 30; i++) {
                assertThat(getOrder.call()).isNotEqualTo("late");
            }

            assertThat(timeouts).isEqualTo(3);
            assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
            assertThat(gets(sick)).as("no call reaches the ejected instance").isEqualTo(callsBeforeEjection).isEqualTo(3);

            sick.behaviour(r -> r.getMethod().equals("HEAD")
                    ? new MockResponse.Builder().code(200).build()
                    : new MockResponse.Builder().code(200).body("back").build());
            await().atMost(Duration.ofSeconds(15)).until(() -> breaker.getState() == CircuitBreaker.State.HALF_OPEN);
            boolean backInRotation = false;
            for (int i = 0; i < 30; i++) {
                backInRotation |= getOrder.call().equals("back");
            }

            assertThat(backInRotation).isTrue();
            assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
            assertThat(orders.getInstances().get(2).health()).isEqualTo(InstanceStatus.Health.HEALTHY);
            orders.close();
        }
    }

    private static long gets(LoopbackBackends.Backend backend) {
        return backend.log().stream().filter(r -> r.getMethod().equals("GET")).count();
    }

    private static String get(OkHttpClient client, ServiceInstance instance) throws IOException {
        try (Response response = client.newCall(new Request.Builder().url(instance.uri("/orders/42").toString()).build()).execute()) {
            return response.body().string();
        }
    }
}
