package io.github.loadbalancer4j.micrometer;

import static io.github.loadbalancer4j.micrometer.TaggedLoadBalancerMetrics.CALLS;
import static io.github.loadbalancer4j.micrometer.TaggedLoadBalancerMetrics.INSTANCE_IN_FLIGHT;
import static io.github.loadbalancer4j.micrometer.TaggedLoadBalancerMetrics.PANIC;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.resilience4j.core.registry.AbstractRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RegistryMetricsTest {

    private final ServiceInstance a = ServiceInstance.of("127.0.0.11", 8080);
    private final ServiceInstance b = ServiceInstance.of("127.0.0.12", 8080);
    private final SimpleMeterRegistry meterRegistry = new SimpleMeterRegistry();
    private final LoadBalancers registry = new LoadBalancers();
    private final List<LoadBalancer> created = new ArrayList<>();

    @AfterEach
    void closeLoadBalancers() {
        created.forEach(LoadBalancer::close);
    }

    @Test
    void metersFollowTheRegistrysEntries() {
        registry.add(loadBalancer("orders", a));
        TaggedLoadBalancerMetrics.ofRegistry(registry, registry::all, LoadBalancerMetricsConfig.ofDefaults()).bindTo(meterRegistry);
        assertThat(loadBalancerNames()).containsExactly("orders");

        LoadBalancer users = registry.add(loadBalancer("users", b));
        users.executeSupplier(ServiceInstance::id);

        assertThat(loadBalancerNames()).containsExactlyInAnyOrder("orders", "users");
        assertThat(meterRegistry.get(CALLS).tag("name", "users").tag("kind", "successful").timer().count()).isEqualTo(1);

        registry.remove("orders");

        assertThat(loadBalancerNames()).containsExactly("users");
        assertThat(meterRegistry.getMeters()).allMatch(m -> "users".equals(m.getId().getTag("name")));
    }

    @Test
    void replacedEntryHandsItsMetersToTheNewLoadBalancer() {
        LoadBalancer old = registry.add(loadBalancer("orders", a));
        TaggedLoadBalancerMetrics.ofRegistry(registry, registry::all, LoadBalancerMetricsConfig.ofDefaults()).bindTo(meterRegistry);

        LoadBalancer replacement = loadBalancer("orders", b);
        registry.replace("orders", replacement);
        old.executeSupplier(ServiceInstance::id);
        replacement.executeSupplier(ServiceInstance::id);
        replacement.executeSupplier(ServiceInstance::id);

        assertThat(meterRegistry.find(INSTANCE_IN_FLIGHT).meters()).extracting(m -> m.getId().getTag("instance"))
                .containsExactly(b.id());
        assertThat(meterRegistry.get(CALLS).tag("kind", "successful").timer().count()).isEqualTo(2);
    }

    private List<String> loadBalancerNames() {
        return meterRegistry.find(PANIC).meters().stream().map(m -> m.getId().getTag("name")).toList();
    }

    private LoadBalancer loadBalancer(String name, ServiceInstance instance) {
        LoadBalancer lb = LoadBalancer.of(name, InstanceSource.of(instance));
        created.add(lb);
        return lb;
    }

    /** A registry of load balancers on resilience4j's registry base, as {@code LoadBalancerRegistry} is. */
    private static final class LoadBalancers extends AbstractRegistry<LoadBalancer, LoadBalancerConfig> {
        LoadBalancers() {
            super(LoadBalancerConfig.ofDefaults());
        }

        LoadBalancer add(LoadBalancer lb) {
            return computeIfAbsent(lb.getName(), () -> lb);
        }

        Collection<LoadBalancer> all() {
            return List.copyOf(entryMap.values());
        }
    }
}
