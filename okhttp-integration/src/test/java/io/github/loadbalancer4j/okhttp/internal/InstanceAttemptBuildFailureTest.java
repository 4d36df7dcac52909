package io.github.loadbalancer4j.okhttp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.okhttp.LoadBalancingInterceptor;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Dispatcher;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A request that cannot be built for its instance, under {@code enqueue()} with a real server.
 *
 * <p>Since {@link ServiceInstance} refuses every host OkHttp cannot address, no instance reaches
 * this path any more through {@code LoadBalancingInterceptor}; the test makes the rewrite fail the
 * way {@code HttpUrl.Builder.host(...)} used to ({@code IllegalArgumentException}) and drives
 * {@link InstanceAttempt#send} from a one-line interceptor, the interceptor's own single-attempt path.
 */
class InstanceAttemptBuildFailureTest {

    private final List<Throwable> uncaught = new CopyOnWriteArrayList<>();
    private MockWebServer server;
    private LoadBalancer orders;
    private ServiceInstance instance;
    private ExecutorService dispatcherThreads;

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        server.start(InetAddress.getByName("127.0.0.11"), 0);
        instance = ServiceInstance.of("127.0.0.11", server.getPort());
        orders = LoadBalancer.of("orders", InstanceSource.of(instance),
                LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).build());
        // OkHttp's own pool, with a handler that sees what would end a dispatcher thread.
        dispatcherThreads = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "okhttp-dispatcher-test");
            t.setDaemon(true);
            t.setUncaughtExceptionHandler((thread, e) -> uncaught.add(e));
            return t;
        });
    }

    @AfterEach
    void stop() {
        dispatcherThreads.shutdownNow();
        orders.close();
        server.close();
    }

    @Test
    void anEnqueuedCallWhoseRequestCannotBeBuiltFailsToItsCallbackAndCountsAgainstTheInstance() throws Exception {
        InstanceUrls failing = new InstanceUrls(i -> {
            throw new IllegalArgumentException("Invalid URL host: \"" + i.host() + "\"");
        });
        OkHttpClient client = clientSendingThrough(failing);
        CompletableFuture<IOException> failure = new CompletableFuture<>();

        Call call = client.newCall(new Request.Builder().url("http://orders/orders/42").build());
        call.enqueue(new Callback() {
            @Override
            public void onFailure(Call c, IOException e) {
                failure.complete(e);
            }

            @Override
            public void onResponse(Call c, Response response) {
                response.close();
                failure.completeExceptionally(new AssertionError("expected a failure, got " + response.code()));
            }
        });

        IOException reported = failure.get(10, TimeUnit.SECONDS);
        assertThat(reported).isInstanceOf(RequestBuildException.class)
                .hasMessage("could not build GET http://orders/... for instance " + instance.id()
                        + ": java.lang.IllegalArgumentException: Invalid URL host: \"127.0.0.11\"")
                .hasCauseInstanceOf(IllegalArgumentException.class);
        assertThat(call.isCanceled()).as("OkHttp cancels a call whose interceptor threw unchecked").isFalse();
        InstanceStatus status = orders.getInstances().get(0);
        assertThat(status.inFlight()).isZero();
        assertThat(status.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
        assertThat(server.getRequestCount()).isZero();
        // An uncaught exception would show here once the dispatcher thread ended.
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(uncaught::isEmpty);
    }

    @Test
    void theSameClientSendsTheNextCallOnceTheRequestCanBeBuilt() throws Exception {
        server.enqueue(new MockResponse.Builder().body("fine").build());
        OkHttpClient client = clientSendingThrough(new InstanceUrls());

        try (Response response = client.newCall(new Request.Builder().url("http://orders/orders/42").build()).execute()) {

            assertThat(response.body().string()).isEqualTo("fine");
        }
        assertThat(server.takeRequest().getTarget()).isEqualTo("/orders/42");
    }

    @Test
    void failoverMovesOnFromARequestThatCouldNotBeBuiltWhateverTheMethod() {
        Request post = new Request.Builder().url("http://orders/orders").post(RequestBody.create(new byte[] {1})).build();
        IOException notBuilt = new RequestBuildException(post, instance, new IllegalArgumentException("bad host"));

        assertThat(FailoverRules.mayMoveOn(notBuilt, post)).isTrue();
        assertThat(FailoverRules.mayMoveOn(new IOException("read failed"), post)).isFalse();
    }

    private OkHttpClient clientSendingThrough(InstanceUrls urls) {
        Interceptor singleAttempt = chain -> InstanceAttempt.send(chain, chain.request(), orders.acquire(),
                new FailureStatuses(LoadBalancingInterceptor.DEFAULT_FAILURE_STATUS,
                        LoadBalancingInterceptor.DEFAULT_MAX_RETRY_AFTER, Clock.systemUTC()),
                urls, null, InstanceAttempt.startOf(chain));
        return new OkHttpClient.Builder().dispatcher(new Dispatcher(dispatcherThreads)).addInterceptor(singleAttempt).build();
    }
}
