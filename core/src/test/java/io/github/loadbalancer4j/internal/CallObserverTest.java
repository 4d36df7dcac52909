package io.github.loadbalancer4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.loadbalancer4j.Candidate;
import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class CallObserverTest {

    private final ServiceInstance a = ServiceInstance.of("127.0.0.11", 8080);

    @Test
    void observerSeesEachCallStartAndEndWithHowTheBreakerRecordedIt() {
        DefaultLoadBalancer lb = new DefaultLoadBalancer("orders", InstanceSource.of(a), LoadBalancerConfig.custom()
                .circuitBreakerConfig(CircuitBreakerConfig.custom()
                        .ignoreExceptions(UncheckedIOException.class)
                        .recordResult(result -> "bad".equals(result))
                        .build())
                .build());
        Recording recording = new Recording();
        lb.addCallObserver(recording);

        lb.executeSupplier(instance -> "ok");
        lb.executeSupplier(instance -> "bad");
        catchThrowable(() -> lb.executeSupplier(instance -> {
            throw new IllegalStateException("boom");
        }));
        catchThrowable(() -> lb.executeSupplier(instance -> {
            throw new UncheckedIOException(new java.io.IOException("ignored"));
        }));
        lb.acquire().release();

        assertThat(recording.events).containsExactly(
                "selected 127.0.0.11:8080", "SUCCESSFUL 127.0.0.11:8080",
                "selected 127.0.0.11:8080", "FAILED 127.0.0.11:8080",
                "selected 127.0.0.11:8080", "FAILED 127.0.0.11:8080",
                "selected 127.0.0.11:8080", "IGNORED 127.0.0.11:8080",
                "selected 127.0.0.11:8080");
        lb.close();
    }

    @Test
    void removedObserverHearsNothingMore() {
        DefaultLoadBalancer lb = new DefaultLoadBalancer("orders", InstanceSource.of(a), LoadBalancerConfig.ofDefaults());
        Recording first = new Recording();
        Recording second = new Recording();
        lb.addCallObserver(first);
        lb.addCallObserver(second);
        lb.executeSupplier(instance -> "ok");

        lb.removeCallObserver(first);
        lb.executeSupplier(instance -> "ok");

        assertThat(first.events).hasSize(2);
        assertThat(second.events).hasSize(4);
        lb.close();
    }

    private static final class Recording implements CallObserver {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void onSelected(Candidate state) {
            events.add("selected " + state.instance().id());
        }

        @Override
        public void onEnded(Candidate state, long durationNanos, Outcome outcome) {
            events.add(outcome + " " + state.instance().id());
        }
    }
}
