package io.github.loadbalancer4j.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.MutableInstanceSource;
import io.github.loadbalancer4j.ServiceInstance;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusScrapeTest {

    private final ServiceInstance a = ServiceInstance.of("127.0.0.11", 8080);
    private final ServiceInstance b = ServiceInstance.of("127.0.0.12", 8080);
    private final ServiceInstance c = ServiceInstance.of("127.0.0.13", 8080);

    @Test
    void scrapeShowsTheCallsMadeAndTheInstancesKnown() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MutableInstanceSource ordersSource = InstanceSource.mutable(a, b);
        try (LoadBalancer orders = LoadBalancer.of("orders", ordersSource);
                LoadBalancer users = LoadBalancer.of("users", InstanceSource.of())) {
            TaggedLoadBalancerMetrics.ofLoadBalancers(() -> List.of(orders, users)).bindTo(registry);

            for (int i = 0; i < 5; i++) {
                orders.executeSupplier(ServiceInstance::id);
            }
            catchThrowable(() -> orders.executeSupplier(instance -> {
                throw new IllegalStateException("boom");
            }));
            catchThrowable(() -> users.executeSupplier(ServiceInstance::id));
            Map<String, Double> scrape = samples(registry.scrape());

            assertThat(scrape)
                    .containsEntry("loadbalancer4j_calls_seconds_count{kind=\"successful\",name=\"orders\"}", 5.0)
                    .containsEntry("loadbalancer4j_calls_seconds_count{kind=\"failed\",name=\"orders\"}", 1.0)
                    .containsEntry("loadbalancer4j_calls_seconds_count{kind=\"ignored\",name=\"orders\"}", 0.0)
                    .containsEntry("loadbalancer4j_selections_total{name=\"orders\"}", 6.0)
                    .containsEntry("loadbalancer4j_no_available_instance_calls_total{name=\"users\"}", 1.0)
                    .containsEntry("loadbalancer4j_no_available_instance_calls_total{name=\"orders\"}", 0.0)
                    .containsEntry("loadbalancer4j_instances{name=\"orders\",state=\"available\"}", 2.0)
                    .containsEntry("loadbalancer4j_instances_known{name=\"users\"}", 0.0)
                    .containsEntry("loadbalancer4j_panic{name=\"orders\"}", 0.0)
                    .containsEntry("loadbalancer4j_instance_in_flight{instance=\"127.0.0.11:8080\",name=\"orders\"}", 0.0)
                    .containsEntry("loadbalancer4j_instance_weight{instance=\"127.0.0.12:8080\",name=\"orders\"}", 1.0)
                    .containsKey("loadbalancer4j_instance_latency_seconds{instance=\"127.0.0.12:8080\",name=\"orders\"}");

            ordersSource.update(List.of(b, c));
            Map<String, Double> afterUpdate = samples(registry.scrape());

            assertThat(afterUpdate.keySet()).noneMatch(series -> series.contains("instance=\"127.0.0.11:8080\""));
            assertThat(afterUpdate)
                    .containsEntry("loadbalancer4j_instance_in_flight{instance=\"127.0.0.13:8080\",name=\"orders\"}", 0.0)
                    .containsEntry("loadbalancer4j_calls_seconds_count{kind=\"successful\",name=\"orders\"}", 5.0);
        }
    }

    /** The scrape's samples: series (name and labels) to value. */
    private static Map<String, Double> samples(String scrape) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : scrape.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int space = line.lastIndexOf(' ');
                samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return samples;
    }
}
