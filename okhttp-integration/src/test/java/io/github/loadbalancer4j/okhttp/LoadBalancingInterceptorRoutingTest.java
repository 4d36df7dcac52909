package io.github.loadbalancer4j.okhttp;

import static io.github.loadbalancer4j.okhttp.Clients.breakerOf;
import static io.github.loadbalancer4j.okhttp.Clients.get;
import static io.github.loadbalancer4j.okhttp.Clients.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.LoadBalancerRegistry;
import io.github.loadbalancer4j.NoAvailableInstanceException;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.testing.LoopbackBackends;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.MockResponse;
import mockwebserver3.SocketEffect;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LoadBalancingInterceptorRoutingTest {

    private LoopbackBackends backends;
    private LoadBalancer orders;
    private OkHttpClient client;

    @BeforeEach
    void start() throws IOException {
        backends = LoopbackBackends.http();
        orders = Clients.loadBalancer(backends.instances());
        client = new OkHttpClient.Builder()
                .addInterceptor(LoadBalancingInterceptor.builder().route("orders", orders).build())
                .build();
    }

    @AfterEach
    void stop() {
        Clients.shutdown(client);
        orders.close();
        backends.close();
    }

    @Test
    void registeredHostIsBalancedOverTheThreeInstances() throws IOException {
        List<String> answers = new ArrayList<>();

        for (int i = 0; i < 9; i++) {
            answers.add(get(client, "http://orders/orders/42?full=true"));
        }

        assertThat(answers).containsOnly("200 127.0.0.11", "200 127.0.0.12", "200 127.0.0.13");
        for (LoopbackBackends.Backend b : backends.all()) {
            assertThat(b.log()).hasSize(3);
            assertThat(b.log()).allSatisfy(r -> {
                assertThat(r.getTarget()).isEqualTo("/orders/42?full=true");
                assertThat(r.getHeaders().get("Host")).isEqualTo(b.address() + ":" + backends.port());
            });
        }
    }

    @Test
    void checkedExceptionSneakedByALaterInterceptorEndsTheLeaseAndReachesTheCaller() {
        Exception sneaky = new Exception("thrown undeclared by a Kotlin interceptor");
        OkHttpClient withKotlinInterceptor = client.newBuilder().addInterceptor(chain -> {
            throw LoadBalancingInterceptorRoutingTest.<RuntimeException>rethrow(sneaky);
        }).build();

        Throwable thrown = catchThrowable(() -> withKotlinInterceptor.newCall(
                new Request.Builder().url("http://orders/orders/42").build()).execute());

        assertThat(thrown).isSameAs(sneaky);
        assertThat(orders.getInstances()).extracting(InstanceStatus::inFlight).containsOnly(0);
        assertThat(orders.getInstances()).extracting(s -> s.circuitBreaker().getMetrics().getNumberOfFailedCalls())
                .containsExactlyInAnyOrder(1, 0, 0);
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E rethrow(Throwable t) throws E {
        throw (E) t;
    }

    @Test
    void requestToAnotherHostReachesItUntouched() throws IOException {
        AtomicReference<Request> seenBelow = new AtomicReference<>();
        OkHttpClient spying = client.newBuilder().addInterceptor(chain -> {
            seenBelow.set(chain.request());
            return chain.proceed(chain.request());
        }).build();
        String url = "http://127.0.0.12:" + backends.port() + "/direct/path?q=1";
        Request request = new Request.Builder().url(url).header("X-Trace", "abc").build();

        try (Response response = spying.newCall(request).execute()) {
            assertThat(response.body().string()).isEqualTo("127.0.0.12");
        }

        assertThat(seenBelow.get()).isSameAs(request);
        assertThat(backends.get(1).log()).singleElement().satisfies(r -> {
            assertThat(r.getTarget()).isEqualTo("/direct/path?q=1");
            assertThat(r.getHeaders().get("X-Trace")).isEqualTo("abc");
            assertThat(r.getHeaders().get("Host")).isEqualTo("127.0.0.12:" + backends.port());
        });
        assertThat(backends.totalRequests()).isEqualTo(1);
        assertThat(orders.getInstances()).allSatisfy(s -> assertThat(s.circuitBreaker().getMetrics().getNumberOfBufferedCalls()).isZero());
    }

    @Test
    void eachInstanceReusesItsOwnConnection() throws IOException {
        for (int i = 0; i < 60; i++) {
            get(client, "http://orders/ping");
        }

        for (LoopbackBackends.Backend b : backends.all()) {
            assertThat(b.log()).hasSize(20);
            assertThat(b.connections()).isEqualTo(1);
        }
        assertThat(Clients.interceptorsOf(client).get(0).connectionCount()).isEqualTo(3); // one pool per instance
        assertThat(client.connectionPool().connectionCount()).isZero();
    }

    @Test
    void asyncEnqueueIsBalancedToo() {
        List<String> answers = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<IOException> failures = new java.util.concurrent.CopyOnWriteArrayList<>();

        for (int i = 0; i < 30; i++) {
            client.newCall(new Request.Builder().url("http://orders/async").build()).enqueue(new okhttp3.Callback() {
                @Override
                public void onResponse(okhttp3.Call call, Response response) throws IOException {
                    try (response) {
                        answers.add(response.body().string());
                    }
                }

                @Override
                public void onFailure(okhttp3.Call call, IOException e) {
                    failures.add(e);
                }
            });
        }

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> answers.size() + failures.size() == 30);
        assertThat(failures).isEmpty();
        // Round robin is exact per thread; OkHttp's dispatcher threads each start at a random place.
        assertThat(answers).containsOnly("127.0.0.11", "127.0.0.12", "127.0.0.13");
        assertThat(backends.all()).allSatisfy(b -> assertThat(b.log()).isNotEmpty());
        assertThat(backends.totalRequests()).isEqualTo(30);
    }

    @Test
    void failureStatusesOpenTheBreakerWhileTheCallerStillGetsTheResponse() throws IOException {
        LoopbackBackends.Backend sick = backends.get(1);
        sick.behaviour(r -> new MockResponse.Builder().code(503).body("sick").build());
        List<String> answers = new ArrayList<>();

        for (int i = 0; i < 30; i++) {
            answers.add(get(client, "http://orders/x"));
        }

        CircuitBreaker breaker = breakerOf(orders, backends.instances().get(1));
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(sick.log()).hasSize(4); // the window's 4 calls, then no more
        assertThat(answers).filteredOn(a -> a.startsWith("503")).hasSize(4).containsOnly("503 sick");
        assertThat(answers).filteredOn(a -> a.startsWith("200")).hasSize(26);
    }

    @Test
    void customFailureStatusesCountOnlyThoseStatuses() throws IOException {
        OkHttpClient only429 = new OkHttpClient.Builder().addInterceptor(LoadBalancingInterceptor.builder()
                .route("orders", orders).failureStatus(code -> code == 429).build()).build();
        backends.get(0).behaviour(r -> new MockResponse.Builder().code(500).build());
        backends.get(1).behaviour(r -> new MockResponse.Builder().code(429).build());

        for (int i = 0; i < 6; i++) {
            get(only429, "http://orders/x");
        }

        assertThat(breakerOf(orders, backends.instances().get(0)).getMetrics().getNumberOfFailedCalls()).isZero();
        assertThat(breakerOf(orders, backends.instances().get(1)).getMetrics().getNumberOfFailedCalls()).isEqualTo(2);
        Clients.shutdown(only429);
    }

    @Test
    void ioExceptionIsAFailureOfThatInstanceAndReachesTheCaller() {
        backends.get(2).behaviour(r -> new MockResponse.Builder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build());
        List<Exception> failures = new ArrayList<>();

        for (int i = 0; i < 3; i++) {
            try {
                get(client, "http://orders/x");
            } catch (IOException e) {
                failures.add(e);
            }
        }

        assertThat(failures).hasSize(1);
        CircuitBreaker.Metrics metrics = breakerOf(orders, backends.instances().get(2)).getMetrics();
        assertThat(metrics.getNumberOfFailedCalls()).isEqualTo(1);
        assertThat(orders.getInstances()).allSatisfy(s -> assertThat(s.inFlight()).isZero());
    }

    @Test
    void callTimeoutCountsAsAFailureOfTheSlowInstance() {
        OkHttpClient impatient = client.newBuilder().callTimeout(300, TimeUnit.MILLISECONDS).build();
        for (LoopbackBackends.Backend b : backends.all()) {
            b.behaviour(r -> new MockResponse.Builder().headersDelay(5, TimeUnit.SECONDS).build());
        }

        assertThatThrownBy(() -> get(impatient, "http://orders/x")).isInstanceOf(java.io.InterruptedIOException.class);

        assertThat(orders.getInstances()).extracting(s -> s.circuitBreaker().getMetrics().getNumberOfFailedCalls())
                .containsExactlyInAnyOrder(1, 0, 0);
        assertThat(orders.getInstances()).allSatisfy(s -> assertThat(s.inFlight()).isZero());
        Clients.shutdown(impatient);
    }

    @Test
    void latencyOfTheResponseFeedsTheInstance() throws IOException {
        backends.get(0).behaviour(r -> new MockResponse.Builder().headersDelay(300, TimeUnit.MILLISECONDS).body("slow").build());

        for (int i = 0; i < 3; i++) {
            get(client, "http://orders/x");
        }

        Duration slow = status(orders, backends.instances().get(0)).latency();
        Duration fast = status(orders, backends.instances().get(1)).latency();
        assertThat(slow).isGreaterThanOrEqualTo(Duration.ofMillis(290));
        assertThat(fast).isPositive().isLessThan(slow);
    }

    @Test
    void noAvailableInstanceFailsTheCallWithAnIOException() {
        LoadBalancer empty = LoadBalancer.of("empty", InstanceSource.of(), LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).build());
        OkHttpClient c = new OkHttpClient.Builder()
                .addInterceptor(LoadBalancingInterceptor.builder().route("empty", empty).build()).build();

        assertThatThrownBy(() -> get(c, "http://empty/x"))
                .isInstanceOf(IOException.class)
                .hasCauseInstanceOf(NoAvailableInstanceException.class)
                .hasMessageContaining("LoadBalancer 'empty' has no available instance");
        Clients.shutdown(c);
        empty.close();
    }

    @Test
    void refusesToRunAsANetworkInterceptor() {
        OkHttpClient wrong = new OkHttpClient.Builder()
                .addNetworkInterceptor(LoadBalancingInterceptor.builder().route("orders", orders).build()).build();

        assertThatThrownBy(() -> get(wrong, "http://127.0.0.11:" + backends.port() + "/x"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("must be an application interceptor")
                .hasMessageContaining("addInterceptor");
        assertThat(backends.totalRequests()).isZero();
        Clients.shutdown(wrong);
    }

    @Test
    void builderChecksItsArguments() {
        assertThatThrownBy(() -> LoadBalancingInterceptor.builder().route("http://orders", orders))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("host: 'http://orders' (expected: a host name without scheme, port or path, e.g. 'orders')");
        assertThatThrownBy(() -> LoadBalancingInterceptor.builder().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("no route (expected: at least one route(host, loadBalancer), or registry(registry))");
        assertThatThrownBy(() -> LoadBalancingInterceptor.builder().route("orders", orders)
                .retryBudget(io.github.loadbalancer4j.retry.RetryBudget.ofDefaults("orders")).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("retryBudget(orders) was set without retry(...) (expected: both, or neither)");
        LoadBalancer other = LoadBalancer.of("other", InstanceSource.of(), LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).build());
        assertThatThrownBy(() -> LoadBalancingInterceptor.builder().route("orders", orders).route("ORDERS", other).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("host 'orders' is routed to both LoadBalancer 'orders' and LoadBalancer 'other'");
        other.close();
    }

    @Test
    void builderChecksTheRetryAfterCapAndThePoolSettings() {
        assertThatThrownBy(() -> LoadBalancingInterceptor.builder().maxRetryAfter(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxRetryAfter: PT-1S (expected: >= 0)");
        assertThatThrownBy(() -> LoadBalancingInterceptor.builder().connectionPoolPerInstance(-1, Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxIdleConnections: -1 (expected: >= 0)");
        assertThatThrownBy(() -> LoadBalancingInterceptor.builder().connectionPoolPerInstance(5, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("keepAlive: PT0S (expected: > 0)");
        assertThatThrownBy(() -> LoadBalancingInterceptor.builder().route("orders", orders)
                .connectionPoolPerInstance(2, Duration.ofMinutes(1)).clientConnectionPool().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("clientConnectionPool() and connectionPoolPerInstance(2, PT1M) were both set (expected: one of them)");
    }

    @Test
    void loadBalancersOfARegistryAreRoutedByName() throws IOException {
        LoadBalancerRegistry registry = LoadBalancerRegistry.ofDefaults();
        OkHttpClient c = new OkHttpClient.Builder()
                .addInterceptor(LoadBalancingInterceptor.builder().registry(registry).build()).build();
        registry.loadBalancer("billing", InstanceSource.of(backends.instances().get(2)));

        String billing = get(c, "http://billing/invoices");
        String direct = get(c, "http://127.0.0.11:" + backends.port() + "/direct");

        assertThat(billing).isEqualTo("200 127.0.0.13");
        assertThat(direct).isEqualTo("200 127.0.0.11");
        assertThat(backends.get(2).log()).singleElement().satisfies(r -> assertThat(r.getTarget()).isEqualTo("/invoices"));
        Clients.shutdown(c);
        registry.getAllLoadBalancers().forEach(LoadBalancer::close);
    }

    @Test
    void routedHostsAreCanonicalized() {
        LoadBalancingInterceptor interceptor = LoadBalancingInterceptor.builder().route("Orders.Example.COM", orders).build();

        assertThat(interceptor.getRoutes()).containsOnlyKeys("orders.example.com");
    }
}
