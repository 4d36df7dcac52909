package io.github.loadbalancer4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.loadbalancer4j.event.DuplicateInstancesEvent;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class BadInputTest {

    @Test
    void portOutOfRangeIsRejectedWithTheValueAndTheRange() {
        assertThatThrownBy(() -> ServiceInstance.of("10.0.0.1", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("port: 0 (expected: 1-65535)");
        assertThatThrownBy(() -> ServiceInstance.of("10.0.0.1", 70000))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("port: 70000 (expected: 1-65535)");
    }

    @Test
    void negativeWeightIsRejected() {
        assertThatThrownBy(() -> ServiceInstance.builder("10.0.0.1", 80).weight(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("weight: -1 (expected: >= 0)");
    }

    @Test
    void emptyOrMalformedHostIsRejected() {
        assertThatThrownBy(() -> ServiceInstance.of("", 80))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("host: '' (expected: a non-empty host name or address)");
        assertThatThrownBy(() -> ServiceInstance.of("  ", 80))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("host: '  ' (expected:");
        assertThatThrownBy(() -> ServiceInstance.of("a/b", 80))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("host: 'a/b' (expected: a host name or address, without '/')");
    }

    @Test
    void malformedUrisAreRejectedNamingTheText() {
        assertThatThrownBy(() -> ServiceInstance.parse("http://"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("uri: 'http://' (expected: http://host:port or https://host:port)");
        assertThatThrownBy(() -> ServiceInstance.parse("ftp://10.0.0.1:21"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("uri: 'ftp://10.0.0.1:21' (expected: scheme http or https)");
        assertThatThrownBy(() -> ServiceInstance.parse("10.0.0.1:8080"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("uri: '10.0.0.1:8080' (expected:");
        assertThatThrownBy(() -> ServiceInstance.parse("http://10.0.0.1:99999"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("uri: 'http://10.0.0.1:99999'");
        assertThatThrownBy(() -> InstanceSource.ofUris("http://10.0.0.1:8080", "http//broken"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'http//broken'");
    }

    @Test
    void nullIsRejectedNamingTheArgument() {
        assertThatThrownBy(() -> ServiceInstance.of(null, 80)).isInstanceOf(NullPointerException.class).hasMessage("host");
        assertThatThrownBy(() -> ServiceInstance.of((URI) null)).isInstanceOf(NullPointerException.class).hasMessage("uri");
        assertThatThrownBy(() -> ServiceInstance.parse(null)).isInstanceOf(NullPointerException.class).hasMessage("uri");
        assertThatThrownBy(() -> InstanceSource.of((ServiceInstance) null)).isInstanceOf(NullPointerException.class).hasMessage("instances[0]");
        assertThatThrownBy(() -> InstanceSource.ofUris((String) null)).isInstanceOf(NullPointerException.class).hasMessage("uris[0]");
        assertThatThrownBy(() -> LoadBalancer.of(null, InstanceSource.of())).isInstanceOf(NullPointerException.class).hasMessage("name");
        assertThatThrownBy(() -> LoadBalancer.of("x", null)).isInstanceOf(NullPointerException.class).hasMessage("source");
        assertThatThrownBy(() -> LoadBalancer.of("x", InstanceSource.of(), null)).isInstanceOf(NullPointerException.class).hasMessage("config");
        LoadBalancer lb = LoadBalancer.of("x", InstanceSource.of());
        assertThatThrownBy(() -> LoadBalancer.decorateSupplier(lb, null)).isInstanceOf(NullPointerException.class).hasMessage("call");
        assertThatThrownBy(() -> LoadBalancer.decorateSupplier(null, i -> i)).isInstanceOf(NullPointerException.class).hasMessage("loadBalancer");
        assertThatThrownBy(() -> lb.acquire(null)).isInstanceOf(NullPointerException.class).hasMessage("context");
        assertThatThrownBy(() -> lb.changeStrategy(null)).isInstanceOf(NullPointerException.class).hasMessage("strategy");
        assertThatThrownBy(() -> SelectionContext.ofHashKey(null)).isInstanceOf(NullPointerException.class).hasMessage("key");
        assertThatThrownBy(() -> LoadBalancerConfig.custom().clock(null)).isInstanceOf(NullPointerException.class).hasMessage("clock");
    }

    @Test
    void blankLoadBalancerNameIsRejected() {
        assertThatThrownBy(() -> LoadBalancer.of(" ", InstanceSource.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("name: ' ' (expected: a non-blank name)");
    }

    @Test
    void duplicateIdsAreCollapsedFirstWinsAndReported() {
        ServiceInstance first = ServiceInstance.builder("10.0.0.1", 80).weight(5).build();
        ServiceInstance duplicate = ServiceInstance.builder("10.0.0.1", 80).weight(9).build();
        ServiceInstance other = ServiceInstance.of("10.0.0.2", 80);
        MutableInstanceSource source = InstanceSource.mutable(other);
        LoadBalancer lb = LoadBalancer.of("orders", source);
        List<DuplicateInstancesEvent> reported = new CopyOnWriteArrayList<>();
        lb.getEventPublisher().onDuplicateInstances(reported::add);

        source.update(first, other, duplicate);

        assertThat(lb.getInstances()).extracting(s -> s.instance().weight()).containsExactly(5, 1);
        assertThat(reported).hasSize(1);
        assertThat(reported.get(0).getDroppedInstances()).singleElement().extracting(ServiceInstance::weight).isEqualTo(9);
        assertThat(InstanceSource.of(first, duplicate).instances()).containsExactly(first);
    }

    @Test
    void anEmptySourceIsAcceptedAndCallsFailWithNoAvailableInstance() {
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of());

        assertThatThrownBy(() -> lb.executeSupplier(i -> "x"))
                .isInstanceOf(NoAvailableInstanceException.class)
                .hasMessage("LoadBalancer 'orders' has no available instance (0 known: discovery returned no instances)");
        assertThat(lb.getMetrics().getNumberOfNoAvailableInstanceCalls()).isEqualTo(1);
    }

    @Test
    void configValuesOutOfRangeAreRejected() {
        assertThatThrownBy(() -> LoadBalancerConfig.custom().panicThreshold(1.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("panicThreshold: 1.5 (expected: 0.0-1.0)");
        assertThatThrownBy(() -> LoadBalancerConfig.custom().panicThreshold(-0.1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("panicThreshold: -0.1 (expected: 0.0-1.0)");
        assertThatThrownBy(() -> LoadBalancerConfig.custom().panicThreshold(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("panicThreshold: NaN (expected: 0.0-1.0)");
        assertThatThrownBy(() -> LoadBalancerConfig.custom().maxSelectionAttempts(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxSelectionAttempts: 0 (expected: >= 1)");
        assertThatThrownBy(() -> LoadBalancerConfig.custom().slowStart(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("slowStart: PT-1S (expected: >= 0)");
        assertThatThrownBy(() -> LoadBalancerConfig.custom().circuitBreakerConfigName(""))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("circuitBreakerConfigName: '' (expected: a non-blank name)");
    }

    @Test
    void conflictingConfigSettingsFailInBuild() {
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
        registry.addConfiguration("perInstance", CircuitBreakerConfig.ofDefaults());

        assertThatThrownBy(() -> LoadBalancerConfig.custom().circuitBreakerRegistry(registry)
                .circuitBreakerConfig(CircuitBreakerConfig.ofDefaults()).circuitBreakerConfigName("perInstance").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("circuitBreakerConfig and circuitBreakerConfigName('perInstance') were both set (expected: one of them)");
        assertThatThrownBy(() -> LoadBalancerConfig.custom().circuitBreakerConfigName("perInstance").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("circuitBreakerConfigName('perInstance') was set without circuitBreakerRegistry");
        assertThatThrownBy(() -> LoadBalancerConfig.custom().circuitBreakerRegistry(registry).circuitBreakerConfigName("missing").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("circuitBreakerConfigName: 'missing' is not a configuration of the circuitBreakerRegistry");
    }

    @Test
    void pollingIntervalMustBeAtLeastTenMilliseconds() {
        assertThatThrownBy(() -> InstanceSource.polling(List::of, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("interval: PT0S (expected: >= 10 ms)");
    }
}
