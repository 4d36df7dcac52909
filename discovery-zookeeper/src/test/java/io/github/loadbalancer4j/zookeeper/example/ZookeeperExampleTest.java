package io.github.loadbalancer4j.zookeeper.example;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.zookeeper.ZookeeperInstanceSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The example of {@code docs/zookeeper.md}, verbatim, run against an in-process ZooKeeper (Curator's
 * {@code TestingServer}), with what it prints checked.
 */
class ZookeeperExampleTest {

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // the example spins until the change arrives
    @SuppressWarnings({"rawtypes", "unchecked"})
    void theSourceFollowsTheRegistrationsAndTheLoadBalancerCallsThem() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream standardOut = System.out;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            try (TestingServer zookeeper = new TestingServer();                       // a real ZooKeeper, in-process
                 CuratorFramework registrarClient = CuratorFrameworkFactory.newClient(
                         zookeeper.getConnectString(), new ExponentialBackoffRetry(1000, 3))) {
                registrarClient.start();
                // What each instance of "orders" does at startup (Spring Cloud Zookeeper does the same for you):
                ServiceDiscovery<Map> registry = ServiceDiscoveryBuilder.builder(Map.class)
                        .client(registrarClient).basePath("/services").build();
                registry.start();
                registry.registerService(ServiceInstance.<Map>builder().name("orders")
                        .address("10.0.1.10").port(8080).payload(Map.of("zone", "eu-1", "weight", "2")).build());

                // The client side: a source that follows /services/orders, and a load balancer over it.
                try (ZookeeperInstanceSource orders = ZookeeperInstanceSource.builder("orders")
                             .connectString(zookeeper.getConnectString())
                             .build();
                     LoadBalancer lb = LoadBalancer.of("orders", orders)) {
                    Supplier<URI> getOrder = LoadBalancer.decorateSupplier(lb, instance -> instance.uri("/orders/42"));
                    System.out.println(orders.instances());   // [ServiceInstance{10.0.1.10:8080, weight=2, zone=eu-1, metadata={...}}]
                    System.out.println(getOrder.get());       // http://10.0.1.10:8080/orders/42

                    registry.registerService(ServiceInstance.<Map>builder().name("orders")
                            .address("10.0.1.11").port(8080).payload(Map.of("zone", "eu-2")).build());
                    while (orders.instances().size() < 2) {
                        Thread.onSpinWait();                  // the change arrives within milliseconds
                    }
                    System.out.println(getOrder.get() + " " + getOrder.get());   // both instances take calls
                }
                registry.close();
            }
        } finally {
            System.setOut(standardOut);
        }

        List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("[ServiceInstance{10.0.1.10:8080, weight=2, zone=eu-1, metadata={");
        assertThat(lines.get(1)).isEqualTo("http://10.0.1.10:8080/orders/42");
        assertThat(lines.get(2).split(" ")).hasSize(2)
                .allMatch(uri -> uri.equals("http://10.0.1.10:8080/orders/42") || uri.equals("http://10.0.1.11:8080/orders/42"));
    }
}
