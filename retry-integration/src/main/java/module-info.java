/**
 * loadbalancer4j retry: {@code FailoverRetry}, a resilience4j Retry whose every attempt goes to an
 * instance not yet tried, and {@code RetryBudget}. The failover engine in {@code .internal} is open
 * only to the sibling modules whose clients fail over with it.
 */
module io.github.loadbalancer4j.retry {
    requires transitive io.github.loadbalancer4j;
    requires transitive io.github.resilience4j.retry;
    requires java.net.http;
    requires org.slf4j;
    requires static transitive org.jspecify;

    exports io.github.loadbalancer4j.retry;
    exports io.github.loadbalancer4j.retry.event;
    exports io.github.loadbalancer4j.retry.internal to
            io.github.loadbalancer4j.okhttp,
            io.github.loadbalancer4j.grpc,
            io.github.loadbalancer4j.spring;
}
