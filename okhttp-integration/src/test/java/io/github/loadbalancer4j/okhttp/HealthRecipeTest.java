package io.github.loadbalancer4j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.health.HealthCheckConfig;
import io.github.loadbalancer4j.health.HealthChecker;
import io.github.loadbalancer4j.testing.LoopbackBackends;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import mockwebserver3.MockResponse;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.junit.jupiter.api.Test;

/**
 * The examples of {@code docs/health.md}, verbatim, run against three HTTP servers on 127.0.0.11-13:
 * a health-check config with slow start and panic mode, and the recipe: eject an instance after 3
 * consecutive timeouts, probe it in the background with HTTP health checks, and let real calls
 * confirm it is back.
 */
class HealthRecipeTest {

    @Test
    void checksSlowStartAndPanicAreConfiguredAndNewInstancesAreSelectableAtOnce() throws Exception {
        try (LoopbackBackends backends = LoopbackBackends.http()) {
            InstanceSource source = InstanceSource.of(backends.instances());

            LoadBalancer orders = LoadBalancer.of("orders", source, LoadBalancerConfig.custom()
                    .healthCheck(HealthCheckConfig.custom(HealthChecker.tcp())   // or OkHttpHealthChecker (HTTP HEAD /health)
                            .interval(Duration.ofSeconds(5)).jitter(0.1)          // each instance checked every 5 s +/- 10%
                            .timeout(Duration.ofSeconds(1))                       // must be shorter than the interval
                            .unhealthyThreshold(3).healthyThreshold(2)            // out after 3 failed checks, back after 2 passed
                            .build())
                    .slowStart(Duration.ofSeconds(30))   // new or recovered instances ramp from 10% to 100% of their weight
                    .panicThreshold(0.5)                 // below 50% available: select among all instances instead of failing
                    .build());

            String calledAtOnce = orders.executeSupplier(instance -> instance.host());
            assertThat(calledAtOnce).isIn(LoopbackBackends.ADDRESSES);
            assertThat(orders.getInstances()).extracting(InstanceStatus::health)
                    .as("the first check runs one interval (4.5-5.5 s) after an instance appears")
                    .containsOnly(InstanceStatus.Health.UNKNOWN);
            assertThat(orders.getInstances()).extracting(InstanceStatus::weight).as("the first list does not slow start")
                    .containsOnly(1.0);
            assertThat(orders.getConfig().getHealthCheck().getUnhealthyThreshold()).isEqualTo(3);
            assertThat(orders.getConfig().getPanicThreshold()).isEqualTo(0.5);
            orders.close();
        }
    }

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
            InstanceSource source = InstanceSource.of(backends.instances());
            LoadBalancer orders = LoadBalancer.of("orders", source, LoadBalancerConfig.custom()
                    .selectionStrategy(SelectionStrategy.roundRobin())   // peakEwma() would send a slow instance few calls to begin with
                    .circuitBreakerConfig(ejectAfterThreeTimeouts)
                    .healthCheck(HealthCheckConfig.custom(OkHttpHealthChecker.head(client, "/health"))
                            .interval(Duration.ofSeconds(1)).timeout(Duration.ofMillis(500)).build())
                    .build());
            // A Callable, so that the breaker sees the SocketTimeoutException itself: a timeout wrapped in an
            // UncheckedIOException would not match recordExceptions (use recordException(predicate) to look at causes).
            Callable<String> getOrder = LoadBalancer.decorateCallable(orders,
                    instance -> client.newCall(new Request.Builder().url(instance.uri("/orders/42").toString()).build()).execute().body().string());
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
}
