package io.github.loadbalancer4j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.testing.LoopbackBackends;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import mockwebserver3.MockResponse;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A rate-limited instance answering 429 at once, beside two answering 200 after 20 ms, under
 * {@code peakEwma()}: counted as a failure (the default) it costs as much as a 5 s answer and gets
 * almost nothing; counted as a success it looks like the fastest instance and takes most calls.
 * The breakers here never open (a window of 1,000 calls), so only the latency statistics decide.
 */
class LoadBalancingInterceptorFailureStatusTest {

    private static final int CALLS = 600;
    private static final int THREADS = 4;
    private static final CircuitBreakerConfig NEVER_OPENS_HERE = CircuitBreakerConfig.custom()
            .slidingWindow(1_000, 1_000, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED).build();

    private LoopbackBackends backends;
    private LoadBalancer orders;

    @BeforeEach
    void start() throws IOException {
        backends = LoopbackBackends.http();
        backends.get(0).behaviour(r -> new MockResponse.Builder().code(429).build());
        for (int i = 1; i < 3; i++) {
            String address = backends.get(i).address();
            backends.get(i).behaviour(r -> new MockResponse.Builder().headersDelay(20, TimeUnit.MILLISECONDS).body(address).build());
        }
        orders = LoadBalancer.of("orders", InstanceSource.of(backends.instances()), LoadBalancerConfig.custom()
                .selectionStrategy(SelectionStrategy.peakEwma()).circuitBreakerConfig(NEVER_OPENS_HERE).build());
    }

    @AfterEach
    void stop() {
        orders.close();
        backends.close();
    }

    /** Sends {@link #CALLS} GETs from {@link #THREADS} threads; returns how many reached the 429 instance. */
    private int callsToTheRateLimitedInstance(LoadBalancingInterceptor.Builder interceptor) throws Exception {
        OkHttpClient client = new OkHttpClient.Builder().addInterceptor(interceptor.build()).build();
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                done.add(threads.submit(() -> {
                    for (int i = 0; i < CALLS / THREADS; i++) {
                        Clients.get(client, "http://orders/items");
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdown();
            Clients.shutdown(client);
        }
        assertThat(backends.totalRequests()).isEqualTo(CALLS);
        return backends.get(0).log().size();
    }

    @Test
    void aFastTooManyRequestsCountsAsAFailureAndNoLongerAttractsTraffic() throws Exception {
        int limited = callsToTheRateLimitedInstance(LoadBalancingInterceptor.builder().route("orders", orders));

        // Each 429 costs the instance 5 s against the others' 20 ms: after its first answers (while
        // nothing was known, at most one per thread) it loses every draw until the penalty decays
        // (about 40 s, longer than this run). 5% leaves room for a slow shared machine.
        assertThat(limited).isLessThanOrEqualTo(CALLS / 20);
    }

    @Test
    void countedAsASuccessTheSameInstanceTakesMostCalls() throws Exception {
        IntPredicate fiveHundreds = code -> code >= 500 && code <= 599;

        int limited = callsToTheRateLimitedInstance(LoadBalancingInterceptor.builder().route("orders", orders).failureStatus(fiveHundreds));

        // It wins every draw it is in, two pairs of three: about 2/3 of the calls.
        assertThat(limited).isGreaterThan(CALLS / 2);
    }
}
