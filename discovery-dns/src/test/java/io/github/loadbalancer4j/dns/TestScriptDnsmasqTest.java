package io.github.loadbalancer4j.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.loadbalancer4j.ServiceInstance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Against the dnsmasq that {@code scripts/backends.sh} starts (address in {@code LB4J_DNS_SERVER},
 * hostsdir in {@code LB4J_DNS_HOSTSDIR}), with the records that script writes.
 */
class TestScriptDnsmasqTest {

    private static String server;
    private static Path hostsDir;

    @BeforeAll
    static void backendFromTheTestScript() {
        server = System.getenv("LB4J_DNS_SERVER");
        String dir = System.getenv("LB4J_DNS_HOSTSDIR");
        if (server == null || dir == null) {
            String why = "LB4J_DNS_SERVER and LB4J_DNS_HOSTSDIR are not set (run scripts/test.sh, or source scripts/backends.sh)";
            if (Boolean.getBoolean("loadbalancer4j.requireBackends")) {
                fail(why + " and -Dloadbalancer4j.requireBackends=true");
            }
            assumeTrue(false, why);
        }
        hostsDir = Paths.get(dir);
    }

    @Test
    void srvRecordsGiveTheLowestPriorityGroupWithItsWeights() {
        try (DnsInstanceSource source = DnsInstanceSource.forSrv("_http._tcp.orders.svc.test").resolver(server).build()) {

            assertThat(source.instances()).extracting(ServiceInstance::host, ServiceInstance::port, ServiceInstance::weight)
                    .containsExactly(tuple("inst1.svc.test", 8081, 10), tuple("inst2.svc.test", 8082, 30));
        }
    }

    @Test
    void addressWrittenToTheHostsdirIsResolvedWithinOneInterval() throws Exception {
        Path file = hostsDir.resolve("dns-module-test");
        Duration interval = Duration.ofSeconds(1);
        try (DnsInstanceSource source = DnsInstanceSource.forAddresses("script.svc.test", 8080).resolver(server)
                .interval(interval).timeout(Duration.ofMillis(500)).build()) {
            boolean emptyAtFirst = source.instances().isEmpty();

            Files.writeString(file, "127.0.0.13 script.svc.test\n");

            // dnsmasq re-reads the hostsdir within about a second; then one interval.
            await().atMost(interval.plusSeconds(2)).until(() -> !source.instances().isEmpty());
            assertThat(emptyAtFirst).isTrue();
            assertThat(source.instances()).extracting(ServiceInstance::id).containsExactly("127.0.0.13:8080");
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
