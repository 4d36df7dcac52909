package io.github.loadbalancer4j.benchmarks;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.okhttp.LoadBalancingInterceptor;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What {@link LoadBalancingInterceptor} itself costs per call, without the network: an application
 * interceptor behind it answers every call at once, so the time is OkHttp's call machinery plus (or
 * minus) the interceptor's pick, URL rewrite and outcome. A companion to P7, whose network time
 * hides this cost on a noisy machine; the difference of the two scores bounds the interceptor's share
 * of a real call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class OkHttpInterceptorOverheadBenchmark {

    private LoadBalancer loadBalancer;
    private OkHttpClient plainClient;
    private OkHttpClient balancedClient;
    private Request plainRequest;
    private Request balancedRequest;

    @Setup
    public void setUp() {
        loadBalancer = LoadBalancer.of("orders", InstanceSource.of(ServiceInstance.of("127.0.0.11", 8080)));
        Interceptor answer = chain -> new Response.Builder().request(chain.request()).protocol(Protocol.HTTP_1_1)
                .code(200).message("OK").body(ResponseBody.create(new byte[0], null)).build();
        plainClient = new OkHttpClient.Builder().addInterceptor(answer).build();
        balancedClient = new OkHttpClient.Builder()
                .addInterceptor(LoadBalancingInterceptor.builder().route("orders", loadBalancer).build())
                .addInterceptor(answer)
                .build();
        plainRequest = new Request.Builder().url("http://127.0.0.11:8080/orders/42").build();
        balancedRequest = new Request.Builder().url("http://orders/orders/42").build();
    }

    @TearDown
    public void tearDown() {
        loadBalancer.close();
    }

    /** OkHttp's call machinery alone. */
    @Benchmark
    public int plain() throws IOException {
        try (Response response = plainClient.newCall(plainRequest).execute()) {
            return response.code();
        }
    }

    /** The same through the interceptor. */
    @Benchmark
    public int balanced() throws IOException {
        try (Response response = balancedClient.newCall(balancedRequest).execute()) {
            return response.code();
        }
    }
}
