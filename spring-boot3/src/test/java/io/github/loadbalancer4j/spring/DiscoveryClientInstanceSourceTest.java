package io.github.loadbalancer4j.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.testing.ManualScheduler;
import io.github.loadbalancer4j.testing.RecordingListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClient;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryProperties;
import org.springframework.cloud.client.discovery.simple.reactive.SimpleReactiveDiscoveryClient;
import org.springframework.cloud.client.discovery.simple.reactive.SimpleReactiveDiscoveryProperties;

/**
 * {@link DiscoveryClientInstanceSource} over Spring Cloud's {@code SimpleDiscoveryClient} (instances as
 * Eureka, Consul and Nacos clients list them, with their metadata keys) and over clients that fail, with
 * time in a {@link ManualScheduler}.
 */
class DiscoveryClientInstanceSourceTest {

    private final ManualScheduler scheduler = new ManualScheduler();
    private final List<DefaultServiceInstance> listed = new ArrayList<>();

    private SimpleDiscoveryClient simpleClient() {
        SimpleDiscoveryProperties properties = new SimpleDiscoveryProperties();
        properties.setInstances(Map.of("orders", listed));
        return new SimpleDiscoveryClient(properties);
    }

    private static DefaultServiceInstance instance(String host, int port, Map<String, String> metadata) {
        return new DefaultServiceInstance(host + ":" + port, "orders", host, port, false, metadata);
    }

    @Test
    void eurekaConsulAndNacosMetadataGiveWeightAndZone() {
        listed.add(instance("10.0.1.10", 8080, Map.of("zone", "eu-west-1a", "weight", "3")));          // Eureka metadata-map, Consul metadata
        listed.add(instance("10.0.1.11", 8080, Map.of("nacos.weight", "2.0", "nacos.cluster", "SH")));  // Nacos
        listed.add(instance("10.0.1.12", 8080, Map.of("nacos.weight", "0.4")));                          // Nacos, light but not starved
        listed.add(instance("10.0.1.13", 8080, Map.of()));

        DiscoveryClientInstanceSource source = DiscoveryClientInstanceSource.builder(simpleClient(), "orders")
                .scheduler(scheduler).build();

        List<ServiceInstance> instances = source.instances();
        assertThat(instances).extracting(ServiceInstance::id)
                .containsExactly("10.0.1.10:8080", "10.0.1.11:8080", "10.0.1.12:8080", "10.0.1.13:8080");
        assertThat(instances).extracting(ServiceInstance::weight).containsExactly(3, 2, 1, ServiceInstance.DEFAULT_WEIGHT);
        assertThat(instances).extracting(ServiceInstance::zone).containsExactly("eu-west-1a", "SH", null, null);
        assertThat(instances.get(1).metadata()).containsEntry("nacos.cluster", "SH");
        source.close();
    }

    @Test
    void theFirstKeyPresentWinsAndKeysCanBeChosen() {
        listed.add(instance("10.0.1.10", 8080, Map.of("zone", "a", "nacos.cluster", "b", "az", "c", "capacity", "9")));

        DiscoveryClientInstanceSource defaults = DiscoveryClientInstanceSource.builder(simpleClient(), "orders")
                .scheduler(scheduler).build();
        DiscoveryClientInstanceSource chosen = DiscoveryClientInstanceSource.builder(simpleClient(), "orders")
                .zoneKeys(List.of("az")).weightKeys(List.of("capacity")).scheduler(scheduler).build();

        assertThat(defaults.instances().get(0).zone()).isEqualTo("a");
        assertThat(chosen.instances().get(0).zone()).isEqualTo("c");
        assertThat(chosen.instances().get(0).weight()).isEqualTo(9);
        defaults.close();
        chosen.close();
    }

    @Test
    void secureInstancesStaySecure() {
        listed.add(new DefaultServiceInstance("a", "orders", "10.0.1.10", 8443, true, Map.of()));

        DiscoveryClientInstanceSource source = DiscoveryClientInstanceSource.builder(simpleClient(), "orders")
                .scheduler(scheduler).build();

        assertThat(source.instances().get(0).uri().toString()).isEqualTo("https://10.0.1.10:8443");
        source.close();
    }

    @Test
    void anUnreadableInstanceIsReportedOnceAndTheOthersApply() {
        listed.add(instance("10.0.1.10", 8080, Map.of("weight", "heavy")));
        listed.add(instance("10.0.1.11", 0, Map.of()));
        listed.add(instance("10.0.1.12", 8080, Map.of()));
        DiscoveryClientInstanceSource source = DiscoveryClientInstanceSource.builder(simpleClient(), "orders")
                .refreshInterval(Duration.ofSeconds(5)).scheduler(scheduler).build();
        RecordingListener listener = new RecordingListener();
        source.subscribe(listener);

        scheduler.advance(Duration.ofSeconds(5));

        assertThat(source.instances()).extracting(ServiceInstance::id).containsExactly("10.0.1.10:8080", "10.0.1.12:8080");
        assertThat(source.instances().get(0).weight()).isEqualTo(ServiceInstance.DEFAULT_WEIGHT);
        assertThat(listener.failures()).hasSize(2).allSatisfy(f -> assertThat(f).isInstanceOf(UnreadableServiceInstanceException.class));
        assertThat(listener.failures()).extracting(Throwable::getMessage)
                .anySatisfy(m -> assertThat(m).contains("'10.0.1.10:8080'").contains("weight: 'heavy'"))
                .anySatisfy(m -> assertThat(m).contains("Skipped instance").contains("port: 0"));
        source.close();
    }

    @Test
    void theListIsReadAgainEveryIntervalAndOnRefresh() {
        listed.add(instance("10.0.1.10", 8080, Map.of()));
        DiscoveryClientInstanceSource source = DiscoveryClientInstanceSource.builder(simpleClient(), "orders")
                .refreshInterval(Duration.ofSeconds(30)).scheduler(scheduler).build();
        RecordingListener listener = new RecordingListener();
        source.subscribe(listener);

        listed.add(instance("10.0.1.11", 8080, Map.of()));
        scheduler.advance(Duration.ofSeconds(29));
        List<String> before = listener.lastIds();
        scheduler.advance(Duration.ofSeconds(1));
        List<String> afterInterval = listener.lastIds();
        listed.remove(0);
        source.refresh();
        source.refresh(); // coalesced with the one before
        scheduler.advance(Duration.ZERO);

        assertThat(before).containsExactly("10.0.1.10:8080");
        assertThat(afterInterval).containsExactly("10.0.1.10:8080", "10.0.1.11:8080");
        assertThat(listener.lastIds()).containsExactly("10.0.1.11:8080");
        assertThat(listener.lists()).hasSize(3);
        source.close();
    }

    @Test
    void aFailingDiscoveryClientKeepsTheLastGoodListAndReportsTheFailure() {
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        List<org.springframework.cloud.client.ServiceInstance> answer = List.of(instance("10.0.1.10", 8080, Map.of()));
        DiscoveryClient flaky = new DiscoveryClient() {
            @Override
            public String description() {
                return "flaky";
            }

            @Override
            public List<org.springframework.cloud.client.ServiceInstance> getInstances(String serviceId) {
                RuntimeException e = failure.get();
                if (e != null) {
                    throw e;
                }
                return answer;
            }

            @Override
            public List<String> getServices() {
                return List.of("orders");
            }
        };
        DiscoveryClientInstanceSource source = DiscoveryClientInstanceSource.builder(flaky, "orders")
                .refreshInterval(Duration.ofSeconds(1)).scheduler(scheduler).build();
        RecordingListener listener = new RecordingListener();
        source.subscribe(listener);

        failure.set(new IllegalStateException("eureka unreachable"));
        scheduler.advance(Duration.ofSeconds(1));

        assertThat(source.instances()).extracting(ServiceInstance::id).containsExactly("10.0.1.10:8080");
        assertThat(listener.failures()).singleElement()
                .isInstanceOf(DiscoveryClientException.class)
                .satisfies(f -> assertThat(f).hasMessageContaining("'flaky'").hasMessageContaining("'orders'")
                        .hasMessageContaining("eureka unreachable"));
        failure.set(null);
        scheduler.advance(Duration.ofSeconds(1));
        assertThat(listener.lists()).hasSize(2);
        source.close();
    }

    @Test
    void anEmptyAnswerIsApplied() {
        listed.add(instance("10.0.1.10", 8080, Map.of()));
        DiscoveryClientInstanceSource source = DiscoveryClientInstanceSource.builder(simpleClient(), "orders")
                .refreshInterval(Duration.ofSeconds(1)).scheduler(scheduler).build();

        listed.clear();
        scheduler.advance(Duration.ofSeconds(1));

        assertThat(source.instances()).isEmpty();
        source.close();
    }

    @Test
    void aReactiveDiscoveryClientIsReadToo() {
        SimpleReactiveDiscoveryProperties properties = new SimpleReactiveDiscoveryProperties();
        properties.setInstances(Map.of("orders", List.of(instance("10.0.1.10", 8080, Map.of("zone", "z1")))));

        DiscoveryClientInstanceSource source = DiscoveryClientInstanceSource.builder(new SimpleReactiveDiscoveryClient(properties), "orders")
                .scheduler(scheduler).build();

        assertThat(source.instances()).extracting(ServiceInstance::zone).containsExactly("z1");
        source.close();
    }

    @Test
    void closingStopsTheReadsAndItsOwnThread() {
        listed.add(instance("10.0.1.10", 8080, Map.of()));
        DiscoveryClientInstanceSource source = DiscoveryClientInstanceSource.builder(simpleClient(), "orders")
                .refreshInterval(Duration.ofMillis(10)).build();

        source.close();

        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("loadbalancer4j-discovery-orders"));
        assertThat(source.instances()).hasSize(1);
    }

    @Test
    void badSettingsAreRefusedNamingTheValue() {
        DiscoveryClientInstanceSource.Builder builder = DiscoveryClientInstanceSource.builder(simpleClient(), "orders");

        assertThatThrownBy(() -> builder.refreshInterval(Duration.ofMillis(1))).hasMessageContaining("refreshInterval");
        assertThatThrownBy(() -> builder.zoneKeys(List.of(" "))).hasMessageContaining("zoneKeys[0]");
        assertThatThrownBy(() -> DiscoveryClientInstanceSource.builder(simpleClient(), " ")).hasMessageContaining("serviceId");
    }
}
