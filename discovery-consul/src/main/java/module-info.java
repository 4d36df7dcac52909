/** loadbalancer4j Consul discovery: {@code ConsulInstanceSource} (the health API, with blocking queries). */
module io.github.loadbalancer4j.consul {
    requires transitive io.github.loadbalancer4j;
    requires transitive okhttp3;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    requires static transitive org.jspecify;

    exports io.github.loadbalancer4j.consul;
}
