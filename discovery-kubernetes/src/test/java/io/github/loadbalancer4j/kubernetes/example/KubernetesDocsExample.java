package io.github.loadbalancer4j.kubernetes.example;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.kubernetes.KubernetesInstanceSource;
import java.net.URI;
import java.util.function.Supplier;

/** The example of docs/kubernetes.md, compiled and run by {@code KubernetesDocsExampleTest}. */
public final class KubernetesDocsExample {

    private KubernetesDocsExample() {
    }

    /**
     * Runs the example.
     *
     * @param client a client of the cluster (the test's points at the mock API server)
     * @return the URI the load balancer chose for one call
     */
    public static URI callOrders(KubernetesClient client) {
        // The Service "orders" in namespace "shop"; its pods serve the port named "http".
        try (KubernetesInstanceSource orders = KubernetesInstanceSource.builder("orders")
                     .client(client)        // leave it out to build one from kubeconfig or the pod's service account
                     .namespace("shop")
                     .port("http")
                     .build();
             LoadBalancer lb = LoadBalancer.of("orders", orders, LoadBalancerConfig.custom()
                     .selectionStrategy(SelectionStrategy.zonePreferring("eu-west-1a", SelectionStrategy.peakEwma()))
                     .build())) {
            Supplier<URI> getOrder = LoadBalancer.decorateSupplier(lb, instance -> instance.uri("/orders/42"));
            System.out.println(orders.instances());  // [ServiceInstance{10.1.0.7:8080, zone=eu-west-1a, metadata={...}}, ...]
            return getOrder.get();                   // http://10.1.0.7:8080/orders/42: a ready pod in the caller's zone
        }
    }
}
