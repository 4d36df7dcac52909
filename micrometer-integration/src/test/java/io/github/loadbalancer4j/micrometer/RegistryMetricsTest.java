package io.github.loadbalancer4j.micrometer;

import static io.github.loadbalancer4j.micrometer.TaggedLoadBalancerMetrics.CALLS;
import static io.github.loadbalancer4j.micrometer.TaggedLoadBalancerMetrics.INSTANCE_IN_FLIGHT;
import static io.github.loadbalancer4j.micrometer.TaggedLoadBalancerMetrics.KNOWN_INSTANCES;
import static io.github.loadbalancer4j.micrometer.TaggedLoadBalancerMetrics.PANIC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerRegistry;
import io.github.loadbalancer4j.ServiceInstance;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RegistryMetricsTest {

    private final ServiceInstance a = ServiceInstance.of("127.0.0.11", 8080);
    private final ServiceInstance b = ServiceInstance.of("127.0.0.12", 8080);
    private final ServiceInstance c = ServiceInstance.of("127.0.0.13", 8080);
    private final SimpleMeterRegistry meterRegistry = new SimpleMeterRegistry();
    private final LoadBalancerRegistry registry = LoadBalancerRegistry.ofDefaults();

    @AfterEach
    void closeLoadBalancers() {
        registry.getAllLoadBalancers().forEach(lb -> registry.remove(lb.getName()));
    }

    @Test
    void loadBalancersAddedLaterGetMetersToo() {
        registry.loadBalancer("orders", InstanceSource.of(a));
        TaggedLoadBalancerMetrics.ofLoadBalancerRegistry(registry).bindTo(meterRegistry);
        assertThat(loadBalancerNames()).containsExactly("orders");

        LoadBalancer users = registry.loadBalancer("users", InstanceSource.of(b));
        users.executeSupplier(ServiceInstance::id);

        assertThat(loadBalancerNames()).containsExactlyInAnyOrder("orders", "users");
        assertThat(meterRegistry.get(CALLS).tag("name", "users").tag("kind", "successful").timer().count()).isEqualTo(1);
        assertThat(meterRegistry.get(INSTANCE_IN_FLIGHT).tag("name", "users").gauge().getId().getTag("instance"))
                .isEqualTo(b.id());
    }

    @Test
    void removedLoadBalancerTakesItsMetersWithIt() {
        registry.loadBalancer("orders", InstanceSource.of(a));
        registry.loadBalancer("users", InstanceSource.of(b));
        TaggedLoadBalancerMetrics.ofLoadBalancerRegistry(registry).bindTo(meterRegistry);

        registry.remove("orders");

        assertThat(loadBalancerNames()).containsExactly("users");
        assertThat(meterRegistry.getMeters()).isNotEmpty().allMatch(m -> "users".equals(m.getId().getTag("name")));
    }

    @Test
    void replacedLoadBalancerHandsItsMetersToItsReplacement() {
        LoadBalancer old = registry.loadBalancer("orders", InstanceSource.of(a));
        TaggedLoadBalancerMetrics.ofLoadBalancerRegistry(registry).bindTo(meterRegistry);
        old.executeSupplier(ServiceInstance::id);

        LoadBalancer replacement = LoadBalancer.of("orders", InstanceSource.of(b, c));
        registry.replace("orders", replacement);
        replacement.executeSupplier(ServiceInstance::id);
        replacement.executeSupplier(ServiceInstance::id);

        assertThat(meterRegistry.find(INSTANCE_IN_FLIGHT).meters()).extracting(m -> m.getId().getTag("instance"))
                .containsExactlyInAnyOrder(b.id(), c.id());
        assertThat(meterRegistry.get(KNOWN_INSTANCES).gauge().value()).isEqualTo(2.0);
        assertThat(meterRegistry.get(CALLS).tag("kind", "successful").timer().count()).isEqualTo(2);
    }

    @Test
    void perInstanceMetersCanBeTurnedOffForTheWholeRegistry() {
        registry.loadBalancer("orders", InstanceSource.of(a, b));
        TaggedLoadBalancerMetrics.ofLoadBalancerRegistry(registry,
                LoadBalancerMetricsConfig.custom().perInstanceMeters(false).build()).bindTo(meterRegistry);

        registry.loadBalancer("users", InstanceSource.of(c));

        assertThat(loadBalancerNames()).containsExactlyInAnyOrder("orders", "users");
        assertThat(meterRegistry.find(INSTANCE_IN_FLIGHT).meters()).isEmpty();
    }

    @Test
    void nullRegistryIsRejectedByName() {
        assertThatThrownBy(() -> TaggedLoadBalancerMetrics.ofLoadBalancerRegistry(null))
                .isInstanceOf(NullPointerException.class).hasMessage("registry");
    }

    private List<String> loadBalancerNames() {
        return meterRegistry.find(PANIC).meters().stream().map(m -> m.getId().getTag("name")).toList();
    }
}
