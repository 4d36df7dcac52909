package io.github.loadbalancer4j.okhttp;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;

/** Test helpers around clients and load balancers. */
final class Clients {

    /** Opens after 2 failures among 4 calls and stays open for the test. */
    static final CircuitBreakerConfig SMALL_BREAKER = CircuitBreakerConfig.custom()
            .slidingWindow(4, 4, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
            .failureRateThreshold(50)
            .waitDurationInOpenState(Duration.ofMinutes(10))
            .build();

    private Clients() {
    }

    static LoadBalancer loadBalancer(List<ServiceInstance> instances) {
        return LoadBalancer.of("orders", InstanceSource.of(instances),
                LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).circuitBreakerConfig(SMALL_BREAKER).build());
    }

    static String get(OkHttpClient client, String url) throws IOException {
        try (Response response = client.newCall(new Request.Builder().url(url).build()).execute()) {
            return response.code() + " " + response.body().string();
        }
    }

    static CircuitBreaker breakerOf(LoadBalancer lb, ServiceInstance instance) {
        return status(lb, instance).circuitBreaker();
    }

    static InstanceStatus status(LoadBalancer lb, ServiceInstance instance) {
        return lb.getInstances().stream().filter(s -> s.instance().equals(instance)).findFirst().orElseThrow();
    }

    /**
     * @param text what the body writes (text/plain)
     * @return a body that can be written once only ({@link RequestBody#isOneShot()}), like a stream
     */
    static RequestBody oneShot(String text) {
        return new RequestBody() {
            @Override
            public MediaType contentType() {
                return MediaType.get("text/plain");
            }

            @Override
            public void writeTo(BufferedSink sink) throws IOException {
                sink.writeUtf8(text);
            }

            @Override
            public boolean isOneShot() {
                return true;
            }
        };
    }

    /** @return the client's load-balancing interceptors */
    static List<LoadBalancingInterceptor> interceptorsOf(OkHttpClient client) {
        return client.interceptors().stream().filter(i -> i instanceof LoadBalancingInterceptor)
                .map(i -> (LoadBalancingInterceptor) i).collect(Collectors.toList());
    }

    /** Stops the dispatcher and closes the idle connections of the client's pool and of its instances' pools. */
    static void shutdown(OkHttpClient client) {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
        interceptorsOf(client).forEach(LoadBalancingInterceptor::evictAll);
    }
}
