/**
 * loadbalancer4j core: instances and where they come from, selection strategies, the load balancer
 * with its per-instance resilience4j circuit breakers, health checking, events and the registry. The
 * API is {@code io.github.loadbalancer4j} and its {@code .event} and {@code .health} packages;
 * {@code .internal} is open only to the sibling modules that build on it.
 */
module io.github.loadbalancer4j {
    requires transitive io.github.resilience4j.circuitbreaker;
    requires transitive io.github.resilience4j.core;
    requires org.slf4j;
    requires static transitive org.jspecify;

    exports io.github.loadbalancer4j;
    exports io.github.loadbalancer4j.event;
    exports io.github.loadbalancer4j.health;
    exports io.github.loadbalancer4j.internal to
            io.github.loadbalancer4j.okhttp,
            io.github.loadbalancer4j.micrometer,
            io.github.loadbalancer4j.dns,
            io.github.loadbalancer4j.zookeeper,
            io.github.loadbalancer4j.etcd,
            io.github.loadbalancer4j.consul,
            io.github.loadbalancer4j.kubernetes,
            io.github.loadbalancer4j.grpc,
            io.github.loadbalancer4j.spring;
}
