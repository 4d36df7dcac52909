package io.github.loadbalancer4j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.retry.Hedging;
import io.github.loadbalancer4j.retry.HedgingPolicy;
import io.github.loadbalancer4j.retry.RetryBudget;
import io.github.loadbalancer4j.testing.LoopbackBackends;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import mockwebserver3.MockResponse;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hedging over OkHttp against real servers: three MockWebServers on 127.0.0.11-13. Unless a test says
 * otherwise, the first request any of them receives is answered after 5 s, the others at once, so the
 * first attempt of the first call is the slow one, wherever it goes.
 */
class LoadBalancingInterceptorHedgingTest {

    private static final HedgingPolicy AFTER_100_MS = HedgingPolicy.custom().delay(Duration.ofMillis(100))
            .budget(RetryBudget.unlimited()).build();

    private final AtomicBoolean first = new AtomicBoolean(true);
    /** The backend that got the first request, and answers it after 5 s. */
    private final AtomicReference<LoopbackBackends.Backend> slow = new AtomicReference<>();
    private LoopbackBackends backends;
    private LoadBalancer orders;
    private OkHttpClient client;

    @BeforeEach
    void start() throws IOException {
        backends = LoopbackBackends.http();
        for (LoopbackBackends.Backend b : backends.all()) {
            b.behaviour(r -> {
                if (first.getAndSet(false)) {
                    slow.set(b);
                    return new MockResponse.Builder().headersDelay(5, TimeUnit.SECONDS).body("slow " + b.address()).build();
                }
                return new MockResponse.Builder().body(b.address()).build();
            });
        }
        orders = Clients.loadBalancer(backends.instances());
    }

    @AfterEach
    void stop() {
        if (client != null) {
            Clients.shutdown(client);
        }
        orders.close();
        backends.close();
    }

    private LoadBalancingInterceptor interceptor(HedgingPolicy policy) {
        LoadBalancingInterceptor interceptor = LoadBalancingInterceptor.builder().route("orders", orders).hedging(policy).build();
        client = new OkHttpClient.Builder().addInterceptor(interceptor).build();
        return interceptor;
    }

    @Test
    void theHedgeGoesToAnotherInstanceAndItsAnswerWinsWhileTheSlowServerSeesItsConnectionClosed() throws Exception {
        LoadBalancingInterceptor interceptor = interceptor(AFTER_100_MS);
        long start = System.nanoTime();

        String answer = Clients.get(client, "http://orders/orders/42");

        Duration took = Duration.ofNanos(System.nanoTime() - start);
        LoopbackBackends.Backend slow = this.slow.get();
        assertThat(took).isLessThan(Duration.ofSeconds(2));
        assertThat(answer).startsWith("200 127.0.0.1").doesNotContain("slow").doesNotEndWith(slow.address());
        assertThat(backends.totalRequests()).isEqualTo(2);
        assertThat(slow.clientClosedAnUnansweredConnection(Duration.ofSeconds(2))).isTrue();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(orders.getInstances()).extracting(InstanceStatus::inFlight).containsOnly(0));
        assertThat(breakerCalls()).containsExactlyInAnyOrder(1, 0, 0); // the loser's lease was released, not failed
        Hedging.Metrics metrics = interceptor.getHedging("orders").getMetrics();
        assertThat(metrics.getNumberOfHedgesSent()).isEqualTo(1);
        assertThat(metrics.getNumberOfHedgesWon()).isEqualTo(1);
        assertThat(metrics.getNumberOfCancelledAttempts()).isEqualTo(1);
    }

    @Test
    void aFastAnswerSendsNoHedge() throws Exception {
        first.set(false);
        LoadBalancingInterceptor interceptor = interceptor(AFTER_100_MS);

        String answer = Clients.get(client, "http://orders/orders/42");

        assertThat(answer).startsWith("200 ");
        assertThat(backends.totalRequests()).isEqualTo(1);
        assertThat(interceptor.getHedging("orders").getMetrics().getNumberOfHedgesSent()).isZero();
    }

    @Test
    void aPostIsNeverHedgedNorSentTwice() throws Exception {
        interceptor(AFTER_100_MS);
        first.set(false);
        for (LoopbackBackends.Backend b : backends.all()) {
            b.behaviour(r -> new MockResponse.Builder().headersDelay(500, TimeUnit.MILLISECONDS).body("posted to " + b.address()).build());
        }
        Request post = new Request.Builder().url("http://orders/payments")
                .post(RequestBody.create("pay once", MediaType.get("text/plain"))).build();

        try (Response response = client.newCall(post).execute()) {
            assertThat(response.body().string()).startsWith("posted to ");
        }

        assertThat(backends.all().stream().flatMap(b -> b.log().stream()).map(r -> r.getMethod()).collect(Collectors.toList()))
                .containsExactly("POST");
    }

    @Test
    void aRequestThePolicyDoesNotCallIdempotentIsSentOnce() throws Exception {
        interceptor(HedgingPolicy.custom().delay(Duration.ofMillis(100)).budget(RetryBudget.unlimited())
                .idempotent(request -> !((Request) request).url().encodedPath().startsWith("/pay")).build());
        for (LoopbackBackends.Backend b : backends.all()) {
            b.behaviour(r -> new MockResponse.Builder().headersDelay(500, TimeUnit.MILLISECONDS).body(b.address()).build());
        }

        String answer = Clients.get(client, "http://orders/pay/now");

        assertThat(answer).startsWith("200 ");
        assertThat(backends.totalRequests()).isEqualTo(1);
    }

    @Test
    void aBudgetThatRefusesStopsTheHedges() throws Exception {
        RetryBudget empty = RetryBudget.custom().percentCanRetry(0).minRetriesPerSecond(0).build();
        LoadBalancingInterceptor interceptor = interceptor(HedgingPolicy.custom().delay(Duration.ofMillis(100)).budget(empty).build());
        for (LoopbackBackends.Backend b : backends.all()) {
            b.behaviour(r -> new MockResponse.Builder().headersDelay(500, TimeUnit.MILLISECONDS).body(b.address()).build());
        }

        String answer = Clients.get(client, "http://orders/orders/42");

        assertThat(answer).startsWith("200 ");
        assertThat(backends.totalRequests()).isEqualTo(1);
        assertThat(empty.getNumberOfRefusedRetries()).isEqualTo(1);
        assertThat(interceptor.getHedging("orders").getMetrics().getNumberOfHedgesSent()).isZero();
    }

    @Test
    void aFailureStatusSendsTheNextHedgeAtOnceAndTheGoodAnswerWins() throws Exception {
        interceptor(HedgingPolicy.custom().delay(Duration.ofSeconds(5)).budget(RetryBudget.unlimited()).build());
        for (LoopbackBackends.Backend b : backends.all()) {
            b.behaviour(r -> first.getAndSet(false) ? new MockResponse.Builder().code(503).body("busy").build()
                    : new MockResponse.Builder().body(b.address()).build());
        }
        long start = System.nanoTime();

        String answer = Clients.get(client, "http://orders/orders/42");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(answer).startsWith("200 127.0.0.1");
        assertThat(backends.totalRequests()).isEqualTo(2);
        assertThat(breakerFailures()).containsExactlyInAnyOrder(1, 0, 0);
    }

    @Test
    void whenEveryAttemptAnswersAFailureStatusTheLastAnswerIsReturned() throws Exception {
        interceptor(HedgingPolicy.custom().delay(Duration.ofMillis(100)).maxHedges(2).budget(RetryBudget.unlimited()).build());
        for (LoopbackBackends.Backend b : backends.all()) {
            b.behaviour(r -> new MockResponse.Builder().code(503).body("busy " + b.address()).build());
        }

        String answer = Clients.get(client, "http://orders/orders/42");

        assertThat(answer).startsWith("503 busy ");
        assertThat(backends.all()).allSatisfy(b -> assertThat(b.log()).hasSize(1));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(orders.getInstances()).extracting(InstanceStatus::inFlight).containsOnly(0));
    }

    @Test
    void cancellingTheCallersCallCancelsEveryAttempt() throws Exception {
        interceptor(AFTER_100_MS);
        for (LoopbackBackends.Backend b : backends.all()) {
            b.behaviour(r -> new MockResponse.Builder().headersDelay(5, TimeUnit.SECONDS).body(b.address()).build());
        }
        List<IOException> failures = new CopyOnWriteArrayList<>();
        Call call = client.newCall(new Request.Builder().url("http://orders/orders/42").build());
        call.enqueue(new Callback() {
            @Override
            public void onFailure(Call c, IOException e) {
                failures.add(e);
            }

            @Override
            public void onResponse(Call c, Response response) {
                response.close();
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> backends.totalRequests() == 2);
        List<LoopbackBackends.Backend> reached = backends.all().stream().filter(b -> !b.log().isEmpty()).collect(Collectors.toList());
        boolean closedBeforeTheCancel = reached.get(0).clientClosedAnUnansweredConnection(Duration.ofMillis(100));

        call.cancel();

        await().atMost(Duration.ofSeconds(5)).until(() -> failures.size() == 1);
        assertThat(closedBeforeTheCancel).isFalse();
        assertThat(failures.get(0)).hasMessage("Canceled");
        for (LoopbackBackends.Backend b : reached) {
            assertThat(b.clientClosedAnUnansweredConnection(Duration.ofSeconds(2))).isTrue();
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(orders.getInstances()).extracting(InstanceStatus::inFlight).containsOnly(0));
        assertThat(breakerCalls()).containsOnly(0);
    }

    @Test
    void onlySafeMethodsMayBeHedged() {
        LoadBalancingInterceptor.Builder builder = LoadBalancingInterceptor.builder().route("orders", orders);

        assertThatThrownBy(() -> builder.hedgedMethods("GET", "POST")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("method: POST (expected: an idempotent method, one of GET, HEAD, OPTIONS, PUT, DELETE, TRACE)");
        assertThatThrownBy(() -> LoadBalancingInterceptor.builder().route("orders", orders).hedgedMethods("GET").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("hedgedMethods([GET]) was set without hedging(...) (expected: both, or neither)");
        assertThat(LoadBalancingInterceptor.builder().route("orders", orders).build().getHedging("orders")).isNull();
    }

    private List<Integer> breakerCalls() {
        return orders.getInstances().stream().map(s -> s.circuitBreaker().getMetrics().getNumberOfBufferedCalls())
                .collect(Collectors.toList());
    }

    private List<Integer> breakerFailures() {
        return orders.getInstances().stream().map(s -> s.circuitBreaker().getMetrics().getNumberOfFailedCalls())
                .collect(Collectors.toList());
    }
}
