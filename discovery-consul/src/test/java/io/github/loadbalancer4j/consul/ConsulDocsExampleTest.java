package io.github.loadbalancer4j.consul;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.testing.LoopbackBackends;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/**
 * The {@code java} examples of {@code docs/consul.md}, word for word between the markers, run against
 * the loopback fake Consul (a protocol stand-in, not a real Consul) and real HTTP backends.
 */
class ConsulDocsExampleTest {

    @Test
    void firstExampleCallsTheRegisteredInstances() throws Exception {
        try (FakeConsul consul = FakeConsul.start(); LoopbackBackends backends = LoopbackBackends.http(2)) {
            consul.register("orders", "orders-1", "127.0.0.11", backends.port());
            consul.register("orders", "orders-2", "127.0.0.12", backends.port());
            String consulAddress = consul.address();
            String consulToken = "b1gs3cr3t-0000";
            List<String> answers = new ArrayList<>();

            // --- docs/consul.md: example 1 ---
            OkHttpClient http = new OkHttpClient();
            ConsulInstanceSource orders = ConsulInstanceSource.builder("orders")
                    .address(consulAddress)            // the local agent: http://127.0.0.1:8500 (the default)
                    .token(consulToken)                // sent as X-Consul-Token; needs service:read and node:read
                    .datacenter("dc1")
                    .build();                          // reads once now, then follows changes with blocking queries
            LoadBalancer lb = LoadBalancer.of("orders", orders,
                    LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).build());
            Supplier<String> getOrder = LoadBalancer.decorateSupplier(lb, instance -> {
                Request request = new Request.Builder().url(instance.uri("/orders/42").toString()).build();
                try (Response response = http.newCall(request).execute()) {
                    return response.body().string();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            System.out.println(getOrder.get() + " " + getOrder.get());   // 127.0.0.11 127.0.0.12 (either first)
            // --- end of example 1 ---
            answers.add(getOrder.get());
            answers.add(getOrder.get());
            lb.close();
            orders.close();
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();

            assertThat(answers).containsExactlyInAnyOrder("127.0.0.11", "127.0.0.12");
            assertThat(consul.requests().get(0).getHeaders().get("X-Consul-Token")).isEqualTo(consulToken);
            assertThat(consul.requests().get(0).getUrl().queryParameter("dc")).isEqualTo("dc1");
        }
    }

    @Test
    void secondExampleUsesTheApplicationsClientAndItsOwnMapping() throws Exception {
        try (FakeConsul consul = FakeConsul.start()) {
            consul.register("orders", "orders-1", "node-a", "10.0.1.10", "", 8080, List.of("v2"), Map.of("az", "eu-1b"));
            consul.register("orders", "orders-2", "node-b", "10.0.1.11", "", 8080, List.of("v1"), Map.of("az", "eu-1c"));
            String consulAddress = consul.address();
            OkHttpClient appClient = new OkHttpClient();

            // --- docs/consul.md: example 2 ---
            ConsulInstanceSource v2 = ConsulInstanceSource.builder("orders")
                    .address(consulAddress)
                    .client(appClient)                                  // shared pool and TLS; left open by close()
                    .filter("\"v2\" in Service.Tags")                   // Consul filters before answering
                    .mapper(ConsulInstanceMapper.builder().zoneKey("az").build())
                    .waitTime(Duration.ofSeconds(30))
                    .build();
            // a mapper of your own sees the whole entry, e.g. to keep the Consul node in the id:
            ConsulInstanceMapper byNode = entry -> ServiceInstance.builder(entry.address(), entry.port())
                    .id(entry.node() + "/" + entry.serviceId())
                    .build();
            // --- end of example 2 ---
            List<ServiceInstance> instances = v2.instances();
            ServiceInstance mapped = byNode.map(ConsulServiceEntry.of(
                    new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                            "{\"Node\":{\"Node\":\"node-a\",\"Address\":\"10.0.1.10\"},\"Service\":{\"ID\":\"orders-1\",\"Port\":8080}}")));
            v2.close();
            appClient.dispatcher().executorService().shutdown();
            appClient.connectionPool().evictAll();

            // The fake Consul does not evaluate filters (it is not Consul): the filter is asserted on the wire.
            assertThat(consul.requests().get(0).getUrl().queryParameter("filter")).isEqualTo("\"v2\" in Service.Tags");
            assertThat(instances).extracting(ServiceInstance::zone).containsExactly("eu-1b", "eu-1c");
            assertThat(mapped.id()).isEqualTo("node-a/orders-1");
        }
    }
}
