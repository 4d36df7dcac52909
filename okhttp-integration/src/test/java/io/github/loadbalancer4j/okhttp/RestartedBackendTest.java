package io.github.loadbalancer4j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.Lease;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.health.HealthCheckConfig;
import io.github.loadbalancer4j.health.HealthChecker;
import io.github.loadbalancer4j.testing.LoopbackBackends;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.MockResponse;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A backend killed (its server closed) and restarted on the same address and port while several
 * threads call through the interceptor with failover, under the default configuration (peakEwma,
 * the default instance breaker): it gets calls again within 5 s of the moment the load balancer may
 * use it again. Times are {@link System#nanoTime()} on both sides: the health check's or breaker's
 * event, and the restarted server's dispatcher.
 */
class RestartedBackendTest {

    private static final Duration BAR = Duration.ofSeconds(5);
    private static final int THREADS = 4;

    /** Calls that failed before their response came: failover must leave none. */
    private final List<Throwable> callFailures = new CopyOnWriteArrayList<>();
    /**
     * Bodies cut off after their response came (the kill can land between the headers and the body):
     * the caller reads a body after the interceptor's part of the call is over, so no failover can
     * cover it (docs/okhttp.md says so).
     */
    private final List<IOException> bodiesCut = new CopyOnWriteArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong firstCallAfterRestart = new AtomicLong();
    private LoopbackBackends backends;
    private LoopbackBackends.Backend restarted;
    private ServiceInstance restartedInstance;
    private LoadBalancer orders;
    private OkHttpClient client;
    private ExecutorService load;

    @BeforeEach
    void start() throws IOException {
        backends = LoopbackBackends.http();
        restarted = backends.get(2);
        restartedInstance = backends.instances().get(2);
    }

    @AfterEach
    void stop() throws InterruptedException {
        stop.set(true);
        if (load != null) {
            load.shutdown();
            load.awaitTermination(10, TimeUnit.SECONDS);
        }
        if (client != null) {
            Clients.shutdown(client);
        }
        if (orders != null) {
            orders.close();
        }
        backends.close();
    }

    /** Starts {@link #THREADS} threads calling through the interceptor until the test ends. */
    private void startLoad(LoadBalancerConfig config) {
        orders = LoadBalancer.of("orders", InstanceSource.of(backends.instances()), config);
        Retry failover = Retry.of("orders", RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ofMillis(10)).build());
        client = new OkHttpClient.Builder()
                .addInterceptor(LoadBalancingInterceptor.builder().route("orders", orders).retry(failover).build())
                .build();
        load = Executors.newFixedThreadPool(THREADS);
        for (int t = 0; t < THREADS; t++) {
            load.execute(() -> {
                while (!stop.get()) {
                    Response response;
                    try {
                        response = client.newCall(new Request.Builder().url("http://orders/items").build()).execute();
                    } catch (IOException | RuntimeException e) {
                        callFailures.add(e);
                        continue;
                    }
                    try (response) {
                        response.body().string();
                    } catch (IOException e) {
                        bodiesCut.add(e);
                    } catch (RuntimeException e) {
                        callFailures.add(e);
                    }
                }
            });
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> restarted.log().size() >= 20);
    }

    /** Kills the backend; what its restarted server receives first is timed in its dispatcher. */
    private void kill() {
        restarted.close();
        String address = restarted.address();
        restarted.behaviour(r -> {
            firstCallAfterRestart.compareAndSet(0, System.nanoTime());
            return new MockResponse.Builder().body(address).build();
        });
    }

    @Test
    void restartedBackendGetsCallsWithinFiveSecondsOfAPassingTcpHealthCheck() throws IOException {
        AtomicBoolean isRestarted = new AtomicBoolean();
        AtomicLong firstPassAfterRestart = new AtomicLong();
        HealthChecker tcp = HealthChecker.tcp();
        HealthChecker timedTcp = (instance, timeout) -> tcp.check(instance, timeout).thenApply(healthy -> {
            if (healthy && isRestarted.get() && instance.equals(restartedInstance)) {
                firstPassAfterRestart.compareAndSet(0, System.nanoTime());
            }
            return healthy;
        });
        startLoad(LoadBalancerConfig.custom()
                .healthCheck(HealthCheckConfig.custom(timedTcp).interval(Duration.ofSeconds(1)).timeout(Duration.ofMillis(500)).build())
                .build());
        kill();
        await().atMost(Duration.ofSeconds(10)).until(() -> Clients.status(orders, restartedInstance).health() == InstanceStatus.Health.UNHEALTHY);

        restarted.restart();
        isRestarted.set(true);

        await().atMost(Duration.ofSeconds(20)).until(() -> firstCallAfterRestart.get() != 0);
        assertThat(firstPassAfterRestart.get()).isPositive();
        assertThat(Duration.ofNanos(firstCallAfterRestart.get() - firstPassAfterRestart.get())).isLessThanOrEqualTo(BAR);
        assertThat(callFailures).isEmpty();
        assertThat(bodiesCut).as("bodies cut by the kill: at most one per calling thread").hasSizeLessThanOrEqualTo(THREADS);
    }

    @Test
    void restartedBackendGetsCallsWithinFiveSecondsOfItsBreakersHalfOpen() throws IOException {
        startLoad(LoadBalancerConfig.ofDefaults());
        CircuitBreaker breaker = Clients.breakerOf(orders, restartedInstance);
        AtomicLong halfOpenAt = new AtomicLong();
        breaker.getEventPublisher().onStateTransition(e -> {
            if (e.getStateTransition().getToState() == CircuitBreaker.State.HALF_OPEN) {
                halfOpenAt.compareAndSet(0, System.nanoTime());
            }
        });
        kill();
        // Under peakEwma the dead backend's first failure costs it 5 s, so the load stops picking it
        // long before its breaker sees a failure rate of 50% over its last 20 calls: these refused
        // connections, picked by the load balancer, are the failures that open it.
        OkHttpClient direct = new OkHttpClient();
        for (int i = 0; i < 20 && breaker.getState() != CircuitBreaker.State.OPEN; i++) {
            failOnce(direct);
        }
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);

        restarted.restart();

        await().atMost(Duration.ofSeconds(30)).until(() -> firstCallAfterRestart.get() != 0);
        assertThat(halfOpenAt.get()).isPositive();
        assertThat(firstCallAfterRestart.get() - halfOpenAt.get()).isNotNegative(); // nothing while OPEN
        assertThat(Duration.ofNanos(firstCallAfterRestart.get() - halfOpenAt.get())).isLessThanOrEqualTo(BAR);
        assertThat(callFailures).isEmpty();
        assertThat(bodiesCut).as("bodies cut by the kill: at most one per calling thread").hasSizeLessThanOrEqualTo(THREADS);
        Clients.shutdown(direct);
    }

    /** One call on the dead backend, picked by the load balancer (the others excluded), and its real failure recorded. */
    private void failOnce(OkHttpClient direct) {
        SelectionContext onlyTheDeadOne = SelectionContext.empty();
        for (ServiceInstance other : backends.instances().subList(0, 2)) {
            onlyTheDeadOne = onlyTheDeadOne.excluding(other);
        }
        Lease lease = orders.acquire(onlyTheDeadOne);
        assertThat(lease.instance()).isEqualTo(restartedInstance);
        try (Response ignored = direct.newCall(new Request.Builder().url(restartedInstance.uri("/items").toString()).build()).execute()) {
            lease.onSuccess();
            throw new AssertionError("the killed backend answered");
        } catch (IOException refused) {
            lease.onError(refused);
        }
    }
}
