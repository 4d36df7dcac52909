package io.github.loadbalancer4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.Lease;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.OutlierEjectionConfig;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.testing.MutableClock;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What outlier ejection counts on the callers' path: each call's end as the instance's breaker
 * recorded it, nothing while ejection is off, nothing lost while a sweep takes the counts; and that
 * the sweep itself runs on the load balancer's thread.
 */
class OutlierCountingTest {

    /** Breakers that ignore IllegalArgumentException and count a result of "bad" as a failure. */
    private static final CircuitBreakerConfig BREAKERS = CircuitBreakerConfig.custom()
            .ignoreExceptions(IllegalArgumentException.class)
            .recordResult(result -> "bad".equals(result))
            .build();

    private final MutableClock clock = new MutableClock();
    private final List<DefaultLoadBalancer> created = new ArrayList<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(5);

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        created.forEach(DefaultLoadBalancer::close);
    }

    private DefaultLoadBalancer loadBalancer(LoadBalancerConfig.Builder config, ServiceInstance... instances) {
        DefaultLoadBalancer lb = new DefaultLoadBalancer("orders", InstanceSource.of(instances),
                config.selectionStrategy(SelectionStrategy.roundRobin()).circuitBreakerConfig(BREAKERS).build());
        created.add(lb);
        return lb;
    }

    private static InstanceState only(DefaultLoadBalancer lb) {
        return lb.candidates().get(0);
    }

    @Test
    void callsCountWhatTheBreakerRecorded() {
        DefaultLoadBalancer lb = loadBalancer(LoadBalancerConfig.custom().outlierEjection(OutlierEjectionConfig.ofDefaults())
                .clock(clock).ticker(clock.ticker()), ServiceInstance.of("10.0.0.1", 8080));

        lb.executeSupplier(instance -> "good");
        lb.executeSupplier(instance -> "bad");
        assertThatThrownBy(() -> lb.executeSupplier(instance -> {
            throw new IllegalStateException("503");
        })).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> lb.executeSupplier(instance -> {
            throw new IllegalArgumentException("the caller's own mistake");
        })).isInstanceOf(IllegalArgumentException.class);
        Lease lease = lb.acquire();
        lease.release();

        InstanceState state = only(lb);
        assertThat(state.takeSuccesses()).as("successes").isEqualTo(1);
        assertThat(state.takeFailures()).as("a bad result and an error; not the ignored one, not the released lease").isEqualTo(2);
        assertThat(state.takeSuccesses()).as("taken: counted again from 0").isZero();
    }

    @Test
    void nothingIsCountedWhileOutlierEjectionIsOff() {
        DefaultLoadBalancer lb = loadBalancer(LoadBalancerConfig.custom().clock(clock).ticker(clock.ticker()),
                ServiceInstance.of("10.0.0.1", 8080));

        for (int i = 0; i < 10; i++) {
            String result = i % 2 == 0 ? "good" : "bad";
            lb.executeSupplier(instance -> result);
        }

        assertThat(only(lb).takeSuccesses()).isZero();
        assertThat(only(lb).takeFailures()).isZero();
    }

    @Test
    void noCountIsLostWhileSweepsTakeThemFromAnotherThread() throws Exception {
        InstanceState state = new InstanceState(ServiceInstance.of("10.0.0.1", 8080),
                io.github.resilience4j.circuitbreaker.CircuitBreaker.ofDefaults("orders#10.0.0.1:8080"),
                new CoarseTicker(0), 0, 0);
        int threads = 4;
        int perThread = 250_000;
        CountDownLatch go = new CountDownLatch(1);
        AtomicBoolean done = new AtomicBoolean();
        List<Future<?>> callers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            callers.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < perThread; i++) {
                    state.countOutcome(i % 4 == 0);
                }
                return null;
            }));
        }
        Future<long[]> sweeper = pool.submit(() -> {
            long[] taken = new long[2];
            go.await();
            while (!done.get()) {
                taken[0] += state.takeSuccesses();
                taken[1] += state.takeFailures();
            }
            return taken;
        });

        go.countDown();
        for (Future<?> f : callers) {
            f.get(30, TimeUnit.SECONDS);
        }
        done.set(true);
        long[] taken = sweeper.get(30, TimeUnit.SECONDS);
        taken[0] += state.takeSuccesses();
        taken[1] += state.takeFailures();

        assertThat(taken[0]).isEqualTo(threads * perThread * 3L / 4);
        assertThat(taken[1]).isEqualTo(threads * perThread / 4L);
    }

    @Test
    void theSweepRunsOnTheLoadBalancersThreadNotTheCallers() {
        List<ServiceInstance> instances = new ArrayList<>();
        for (int i = 1; i <= 11; i++) {
            instances.add(ServiceInstance.of("10.0.0." + i, 8080));
        }
        DefaultLoadBalancer lb = loadBalancer(LoadBalancerConfig.custom()
                .outlierEjection(OutlierEjectionConfig.custom().interval(Duration.ofMillis(100)).requestVolume(5).build())
                .clock(clock).ticker(clock.ticker()), instances.toArray(new ServiceInstance[0]));
        List<String> threads = new CopyOnWriteArrayList<>();
        lb.getEventPublisher().onOutlierEjected(event -> threads.add(Thread.currentThread().getName()));
        ServiceInstance gray = instances.get(10);

        for (int i = 0; i < 1000; i++) { // 1 s: ten sweeps' worth
            lb.executeSupplier(instance -> {
                clock.advance(Duration.ofMillis(1));
                return instance.equals(gray) ? "bad" : "good";
            });
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> !threads.isEmpty());
        assertThat(threads).containsExactly("loadbalancer4j-refresh-orders");
    }
}
