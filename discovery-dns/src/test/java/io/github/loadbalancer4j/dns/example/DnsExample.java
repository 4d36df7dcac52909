package io.github.loadbalancer4j.dns.example;

import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.dns.DnsInstanceSource;
import java.time.Duration;
import java.util.function.Supplier;

public class DnsExample {
    public static void main(String[] args) {
        try (DnsInstanceSource source = DnsInstanceSource.forSrv("_http._tcp.orders.svc.test")
                        .resolver("127.0.0.1:15353")       // default: the system's name server
                        .interval(Duration.ofSeconds(5))   // re-resolved every 5 s, whatever the JVM DNS cache says
                        .timeout(Duration.ofSeconds(1))    // per DNS query
                        .build();
                LoadBalancer orders = LoadBalancer.of("orders", source)) {
            orders.getEventPublisher().onDiscoveryFailed(event -> System.err.println(event));

            System.out.println(source.instances());
            Supplier<String> call = LoadBalancer.decorateSupplier(orders,
                    instance -> "GET " + instance.uri("/orders/42"));   // your HTTP call here
            for (int i = 0; i < 4; i++) {
                System.out.println(call.get());
            }
        }
    }
}
