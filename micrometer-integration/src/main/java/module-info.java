/** loadbalancer4j Micrometer: meter binders for load balancers, their instances, retry budgets and hedgings. */
module io.github.loadbalancer4j.micrometer {
    requires transitive io.github.loadbalancer4j;
    requires static io.github.loadbalancer4j.retry;
    requires transitive micrometer.core;
    requires static transitive org.jspecify;

    exports io.github.loadbalancer4j.micrometer;
}
