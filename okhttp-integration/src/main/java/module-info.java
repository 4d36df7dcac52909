/**
 * loadbalancer4j OkHttp: {@code LoadBalancingInterceptor}, which sends {@code http://orders/...} to an
 * instance a load balancer picks, and {@code OkHttpHealthChecker}.
 */
module io.github.loadbalancer4j.okhttp {
    requires transitive io.github.loadbalancer4j;
    requires transitive io.github.loadbalancer4j.retry;
    requires transitive okhttp3;
    requires static transitive org.jspecify;

    exports io.github.loadbalancer4j.okhttp;
    exports io.github.loadbalancer4j.okhttp.internal to io.github.loadbalancer4j.spring;
}
