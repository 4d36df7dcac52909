package io.github.loadbalancer4j.okhttp;

import static io.github.loadbalancer4j.okhttp.Clients.breakerOf;
import static io.github.loadbalancer4j.okhttp.Clients.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.retry.FailoverRetry;
import io.github.loadbalancer4j.retry.RetryBudget;
import io.github.loadbalancer4j.testing.LoopbackBackends;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import mockwebserver3.MockResponse;
import mockwebserver3.SocketEffect;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.EventListener;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LoadBalancingInterceptorFailoverTest {

    private static final MediaType TEXT = MediaType.get("text/plain");

    private final List<InetSocketAddress> connectAttempts = new CopyOnWriteArrayList<>();
    private final List<LogRecord> okhttpWarnings = new CopyOnWriteArrayList<>();
    private final Handler warningCollector = new Handler() {
        @Override
        public void publish(LogRecord record) {
            okhttpWarnings.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private LoopbackBackends backends;
    private LoadBalancer orders;

    @BeforeEach
    void start() throws IOException {
        backends = LoopbackBackends.http();
        orders = Clients.loadBalancer(backends.instances());
        Logger.getLogger(OkHttpClient.class.getName()).addHandler(warningCollector);
    }

    @AfterEach
    void stop() {
        Logger.getLogger(OkHttpClient.class.getName()).removeHandler(warningCollector);
        orders.close();
        backends.close();
    }

    private OkHttpClient client(RetryConfig retryConfig) {
        return new OkHttpClient.Builder()
                .eventListener(new EventListener() {
                    @Override
                    public void connectStart(Call call, InetSocketAddress address, Proxy proxy) {
                        connectAttempts.add(address);
                    }
                })
                .addInterceptor(LoadBalancingInterceptor.builder().route("orders", orders)
                        .retry(Retry.of("orders", retryConfig)).build())
                .build();
    }

    /** Enqueues a GET of {@code url}; the answer's body or the failure is collected. */
    private static Call enqueue(OkHttpClient client, String url, List<String> answers, List<IOException> failures) {
        Call call = client.newCall(new Request.Builder().url(url).build());
        call.enqueue(new Callback() {
            @Override
            public void onResponse(Call c, Response response) throws IOException {
                try (response) {
                    answers.add(response.body().string());
                }
            }

            @Override
            public void onFailure(Call c, IOException e) {
                failures.add(e);
            }
        });
        return call;
    }

    private static RetryConfig threeAttempts() {
        return RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ofMillis(5)).build();
    }

    private static RetryConfig retrying503(Duration wait) {
        return RetryConfig.<Response>custom().maxAttempts(3).waitDuration(wait).retryOnResult(r -> r.code() == 503).build();
    }

    private static Request post(String body) {
        return new Request.Builder().url("http://orders/orders").post(RequestBody.create(body, TEXT)).build();
    }

    private List<String> bodiesOf(String method) {
        return backends.all().stream().flatMap(b -> b.log().stream()).filter(r -> r.getMethod().equals(method))
                .map(r -> r.getBody().utf8()).collect(Collectors.toList());
    }

    private void assertPoolIdleAndNothingLeaked(OkHttpClient client) {
        System.gc(); // a leaked response would now be found by the pool's next cleanup
        LoadBalancingInterceptor interceptor = Clients.interceptorsOf(client).get(0);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(interceptor.connectionCount()).isPositive();
            assertThat(interceptor.idleConnectionCount()).isEqualTo(interceptor.connectionCount());
            assertThat(client.connectionPool().idleConnectionCount()).isEqualTo(client.connectionPool().connectionCount());
        });
        assertThat(okhttpWarnings).extracting(LogRecord::getMessage).noneMatch(m -> m.contains("leaked"));
    }

    @Test
    void serverShutDownMidRunGetsKeepSucceedingAndItsBreakerOpens() throws IOException {
        OkHttpClient client = client(threeAttempts());
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            answers.add(get(client, "http://orders/items"));
        }

        backends.get(1).close();
        for (int i = 0; i < 30; i++) {
            answers.add(get(client, "http://orders/items"));
        }

        assertThat(answers).hasSize(36).allSatisfy(a -> assertThat(a).startsWith("200 "));
        assertThat(answers.subList(6, 36)).doesNotContain("200 127.0.0.12");
        assertThat(breakerOf(orders, backends.instances().get(1)).getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breakerOf(orders, backends.instances().get(0)).getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertPoolIdleAndNothingLeaked(client);
        Clients.shutdown(client);
    }

    @Test
    void postWhoseConnectionWasRefusedIsSentToAnotherInstance() throws IOException {
        OkHttpClient client = client(threeAttempts());
        backends.get(0).close();
        List<Integer> codes = new ArrayList<>();

        for (int i = 0; i < 3; i++) {
            try (Response response = client.newCall(post("order-" + i)).execute()) {
                codes.add(response.code());
            }
        }

        assertThat(codes).containsExactly(200, 200, 200);
        assertThat(bodiesOf("POST")).containsExactlyInAnyOrder("order-0", "order-1", "order-2");
        assertThat(connectAttempts).extracting(a -> a.getAddress().getHostAddress()).contains("127.0.0.11");
        Clients.shutdown(client);
    }

    @Test
    void postThatReachedAServerThatThenFailedIsNotSentAgain() {
        OkHttpClient client = client(threeAttempts());
        for (LoopbackBackends.Backend b : backends.all()) {
            b.behaviour(r -> new MockResponse.Builder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build());
        }

        assertThatThrownBy(() -> client.newCall(post("pay-once")).execute().close()).isInstanceOf(IOException.class);

        assertThat(bodiesOf("POST")).containsExactly("pay-once");
        assertThat(orders.getInstances().stream().mapToInt(s -> s.circuitBreaker().getMetrics().getNumberOfFailedCalls()).sum())
                .isEqualTo(1);
        Clients.shutdown(client);
    }

    @Test
    void getThatReachedAServerThatThenFailedMovesOnToAnInstanceNotYetTried() throws IOException {
        OkHttpClient client = client(threeAttempts());
        backends.get(0).behaviour(r -> new MockResponse.Builder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build());
        backends.get(1).behaviour(backends.get(0).behaviour());

        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            answers.add(get(client, "http://orders/items"));
        }

        assertThat(answers).containsOnly("200 127.0.0.13");
        assertThat(backends.get(2).log()).hasSize(3);
        assertThat(backends.totalRequests()).isLessThanOrEqualTo(3 + 2 * 3);
    }

    @Test
    void oneShotBodyIsNotSentAgainEvenForAnIdempotentMethod() {
        OkHttpClient client = client(threeAttempts());
        for (LoopbackBackends.Backend b : backends.all()) {
            b.behaviour(r -> new MockResponse.Builder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build());
        }
        RequestBody oneShot = Clients.oneShot("stream");

        assertThatThrownBy(() -> client.newCall(new Request.Builder().url("http://orders/doc").put(oneShot).build()).execute())
                .isInstanceOf(IOException.class);

        assertThat(bodiesOf("PUT")).containsExactly("stream");
        Clients.shutdown(client);
    }

    @Test
    void whenEveryInstanceIsDownEachIsTriedOnceAndTheLastFailureIsThrown() {
        OkHttpClient client = client(threeAttempts());
        backends.all().forEach(LoopbackBackends.Backend::close);

        assertThatThrownBy(() -> get(client, "http://orders/items")).isInstanceOf(ConnectException.class);

        assertThat(connectAttempts).extracting(a -> a.getAddress().getHostAddress())
                .containsExactlyInAnyOrder("127.0.0.11", "127.0.0.12", "127.0.0.13");
        Clients.shutdown(client);
    }

    @Test
    void anEmptyRetryBudgetStopsFailover() {
        RetryBudget empty = RetryBudget.custom().name("orders").percentCanRetry(0).minRetriesPerSecond(0).build();
        OkHttpClient client = new OkHttpClient.Builder()
                .eventListener(new EventListener() {
                    @Override
                    public void connectStart(Call call, InetSocketAddress address, Proxy proxy) {
                        connectAttempts.add(address);
                    }
                })
                .addInterceptor(LoadBalancingInterceptor.builder().route("orders", orders)
                        .retry(Retry.of("orders", threeAttempts())).retryBudget(empty).build())
                .build();
        backends.all().forEach(LoopbackBackends.Backend::close);

        assertThatThrownBy(() -> get(client, "http://orders/items")).isInstanceOf(ConnectException.class);

        assertThat(connectAttempts).hasSize(1);
        assertThat(empty.getNumberOfRefusedRetries()).isEqualTo(1);
        Clients.shutdown(client);
    }

    @Test
    void retriesDrawOnTheLoadBalancersDefaultBudget() {
        OkHttpClient client = client(threeAttempts());
        backends.all().forEach(LoopbackBackends.Backend::close);

        assertThatThrownBy(() -> get(client, "http://orders/items")).isInstanceOf(ConnectException.class);

        assertThat(FailoverRetry.defaultBudget(orders).getNumberOfGrantedRetries()).isEqualTo(2);
        Clients.shutdown(client);
    }

    @Test
    void retriedResponsesAreClosedAndTheCallerGetsAGoodOne() throws IOException {
        OkHttpClient client = client(retrying503(Duration.ofMillis(5)));
        backends.get(0).behaviour(r -> new MockResponse.Builder().code(503).body("busy").build());
        backends.get(1).behaviour(backends.get(0).behaviour());
        List<String> answers = new ArrayList<>();

        for (int i = 0; i < 12; i++) {
            answers.add(get(client, "http://orders/items"));
        }

        assertThat(answers).containsOnly("200 127.0.0.13");
        assertThat(breakerOf(orders, backends.instances().get(0)).getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertPoolIdleAndNothingLeaked(client);
        Clients.shutdown(client);
    }

    @Test
    void exhaustedResultRetriesHandTheLastResponseToTheCaller() throws IOException {
        OkHttpClient client = client(retrying503(Duration.ofMillis(5)));
        for (LoopbackBackends.Backend b : backends.all()) {
            b.behaviour(r -> new MockResponse.Builder().code(503).body("busy " + b.address()).build());
        }

        String answer = get(client, "http://orders/items");

        assertThat(answer).startsWith("503 busy");
        assertThat(backends.all()).allSatisfy(b -> assertThat(b.log()).hasSize(1));
        assertPoolIdleAndNothingLeaked(client);
        Clients.shutdown(client);
    }

    @Test
    void cancelDuringTheBackoffEndsTheAsyncCallPromptly() {
        OkHttpClient client = client(retrying503(Duration.ofMinutes(1)));
        for (LoopbackBackends.Backend b : backends.all()) {
            b.behaviour(r -> new MockResponse.Builder().code(503).build());
        }
        List<IOException> failures = new CopyOnWriteArrayList<>();
        Call call = enqueue(client, "http://orders/items", new CopyOnWriteArrayList<>(), failures);
        await().atMost(Duration.ofSeconds(5)).until(() -> backends.totalRequests() == 1);

        call.cancel();

        await().atMost(Duration.ofSeconds(5)).until(() -> failures.size() == 1);
        assertThat(failures.get(0)).hasMessage("Canceled");
        assertThat(backends.totalRequests()).isEqualTo(1);
        assertPoolIdleAndNothingLeaked(client);
        Clients.shutdown(client);
    }

    @Test
    void callTimeoutEndsTheBackoff() {
        OkHttpClient client = client(retrying503(Duration.ofMinutes(1))).newBuilder().callTimeout(300, TimeUnit.MILLISECONDS).build();
        for (LoopbackBackends.Backend b : backends.all()) {
            b.behaviour(r -> new MockResponse.Builder().code(503).build());
        }
        long start = System.nanoTime();

        assertThatThrownBy(() -> get(client, "http://orders/items"))
                .isInstanceOf(InterruptedIOException.class)
                .hasMessage("timeout");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(backends.totalRequests()).isEqualTo(1);
        Clients.shutdown(client);
    }

    @Test
    void canceledCallRecordsNothingOnTheInstance() {
        OkHttpClient client = client(threeAttempts());
        for (LoopbackBackends.Backend b : backends.all()) {
            b.behaviour(r -> new MockResponse.Builder().headersDelay(10, TimeUnit.SECONDS).build());
        }
        List<IOException> failures = new CopyOnWriteArrayList<>();
        Call call = enqueue(client, "http://orders/slow", new CopyOnWriteArrayList<>(), failures);
        await().atMost(Duration.ofSeconds(5)).until(() -> backends.totalRequests() == 1);

        call.cancel();

        await().atMost(Duration.ofSeconds(5)).until(() -> failures.size() == 1);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(orders.getInstances()).allSatisfy(s -> assertThat(s.inFlight()).isZero()));
        assertThat(orders.getInstances()).allSatisfy(s ->
                assertThat(s.circuitBreaker().getMetrics().getNumberOfBufferedCalls()).isZero());
        assertThat(backends.totalRequests()).isEqualTo(1);
        Clients.shutdown(client);
    }

    @Test
    void asyncCallsFailOverToo() {
        OkHttpClient client = client(threeAttempts());
        backends.get(1).close();
        List<String> answers = new CopyOnWriteArrayList<>();
        List<IOException> failures = new CopyOnWriteArrayList<>();

        // Round robin keeps one position per thread, starting at random, and OkHttp runs these calls
        // on several dispatcher threads: enough calls that each instance gets its turns.
        int calls = 30;
        for (int i = 0; i < calls; i++) {
            enqueue(client, "http://orders/items", answers, failures);
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> answers.size() + failures.size() == calls);
        assertThat(failures).isEmpty();
        assertThat(answers).hasSize(calls).containsOnly("127.0.0.11", "127.0.0.13");
        assertThat(breakerOf(orders, backends.instances().get(1)).getMetrics().getNumberOfFailedCalls())
                .as("calls sent to the closed instance, each failed over").isPositive();
        Clients.shutdown(client);
    }
}
