package io.github.loadbalancer4j.benchmarks;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.okhttp.LoadBalancingInterceptor;
import io.github.loadbalancer4j.testing.NoDelayServerSocketFactory;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ServerSocketFactory;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * P7: requests per second through {@link LoadBalancingInterceptor} against plain OkHttp, both
 * calling the same MockWebServer on 127.0.0.11 over keep-alive HTTP/1.1 connections.
 *
 * <ul>
 *   <li>{@code plain}: {@code http://127.0.0.11:<port>/orders/42}, no interceptor (the baseline);
 *   <li>{@code balanced}: {@code http://orders/orders/42} through the interceptor, one instance (the
 *       server), default config: pick, breaker permission, URL rewrite, outcome and latency recorded;
 *   <li>{@code balancedWithRetry}: the same with failover on (a resilience4j Retry context per call).
 * </ul>
 * Run with 1 and 2 client threads ({@code -t 1}, {@code -t 2}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class OkHttpInterceptorBenchmark {

    private MockWebServer server;
    private LoadBalancer loadBalancer;
    private OkHttpClient plainClient;
    private OkHttpClient balancedClient;
    private OkHttpClient retryingClient;
    private Request plainRequest;
    private Request balancedRequest;

    @Setup
    public void setUp() throws IOException {
        server = new MockWebServer();
        server.setServerSocketFactory(new NoDelayServerSocketFactory());
        MockResponse ok = new MockResponse.Builder().code(200).body("{\"id\":42}").build();
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return ok;
            }
        });
        server.start(InetAddress.getByName("127.0.0.11"), 0);
        loadBalancer = LoadBalancer.of("orders", InstanceSource.of(ServiceInstance.of("127.0.0.11", server.getPort())));
        // One pool and dispatcher for all three clients, so they differ only in the interceptor.
        OkHttpClient base = new OkHttpClient.Builder().connectionPool(new ConnectionPool(8, 5, TimeUnit.MINUTES)).build();
        plainClient = base;
        balancedClient = base.newBuilder()
                .addInterceptor(LoadBalancingInterceptor.builder().route("orders", loadBalancer).build()).build();
        retryingClient = base.newBuilder()
                .addInterceptor(LoadBalancingInterceptor.builder().route("orders", loadBalancer)
                        .retry(Retry.of("orders", RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ofMillis(10)).build()))
                        .build())
                .build();
        plainRequest = new Request.Builder().url("http://127.0.0.11:" + server.getPort() + "/orders/42").build();
        balancedRequest = new Request.Builder().url("http://orders/orders/42").build();
    }

    /**
     * Accepted sockets with TCP_NODELAY: MockWebServer writes the headers and the body separately,
     * and with Nagle's algorithm the second write waits for the client's delayed ACK (~40 ms), which
     * would measure the kernel's timers instead of the client.
     */
    /** MockWebServer keeps every request it saw; drop them so memory stays flat over a long run. */
    @TearDown(Level.Iteration)
    public void drainRecordedRequests() throws InterruptedException {
        while (server.takeRequest(0, TimeUnit.MILLISECONDS) != null) {
            // drop
        }
    }

    @TearDown
    public void tearDown() {
        plainClient.dispatcher().executorService().shutdown();
        plainClient.connectionPool().evictAll();
        loadBalancer.close();
        server.close();
    }

    /** The baseline: plain OkHttp to the server's address. */
    @Benchmark
    public int plain() throws IOException {
        return call(plainClient, plainRequest);
    }

    /** Through the interceptor. */
    @Benchmark
    public int balanced() throws IOException {
        return call(balancedClient, balancedRequest);
    }

    /** Through the interceptor with failover on. */
    @Benchmark
    public int balancedWithRetry() throws IOException {
        return call(retryingClient, balancedRequest);
    }

    private static int call(OkHttpClient client, Request request) throws IOException {
        try (Response response = client.newCall(request).execute()) {
            return response.body().string().length() + response.code();
        }
    }
}
