package io.github.loadbalancer4j.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.dns.DnsInstanceSource;
import io.github.loadbalancer4j.testing.CallLoop;
import io.github.loadbalancer4j.testing.ScriptBackends;
import io.github.loadbalancer4j.testing.grpc.LoopbackGrpcServers;
import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A channel whose addresses come from DNS A records served by the dnsmasq that
 * {@code scripts/backends.sh} starts ({@code LB4J_DNS_SERVER}, hosts files in
 * {@code LB4J_DNS_HOSTSDIR}, re-read by dnsmasq within about a second): records changed live reach the
 * picker without restarting the channel. Skipped without that dnsmasq; fails instead under
 * {@code -Dloadbalancer4j.requireBackends=true}.
 */
class DnsResolverTest {

    private static final String SCHEME = "lb4j-dns";
    private static final String NAME = "grpc-orders.svc.test";
    private static final Duration BOUND = Duration.ofSeconds(15);

    private static String server;
    private static Path hostsFile;
    private static LoopbackGrpcServers servers;
    private static BalancingPolicyProvider policy;
    private static AutoCloseable policyRegistration;

    @BeforeAll
    static void backendFromTheTestScript() throws Exception {
        List<String> dns = ScriptBackends.require("LB4J_DNS_SERVER", "LB4J_DNS_HOSTSDIR");
        server = dns.get(0);
        hostsFile = Paths.get(dns.get(1)).resolve("grpc-module-test");
        servers = LoopbackGrpcServers.start();
        policy = BalancingPolicyProvider.builder().policyName(SCHEME).build();
        policyRegistration = TestChannels.register(policy);
    }

    @AfterAll
    static void stopServers() throws Exception {
        if (servers != null) {
            policyRegistration.close();
            servers.close();
            Files.deleteIfExists(hostsFile);
        }
    }

    @Test
    void addressRecordsChangedLiveMoveTheChannelsCallsWithoutRestartingIt() throws Exception {
        hosts("127.0.0.11 " + NAME + "\n127.0.0.12 " + NAME + "\n");
        try (DnsInstanceSource source = DnsInstanceSource.forAddresses(NAME, servers.port()).resolver(server)
                .interval(Duration.ofMillis(300)).timeout(Duration.ofMillis(200)).build()) {
            await().atMost(BOUND).until(() -> source.instances().size() == 2);
            InstanceSourceNameResolverProvider resolvers = InstanceSourceNameResolverProvider.builder().scheme(SCHEME)
                    .source("orders", source).build();
            ManagedChannel channel;
            try (AutoCloseable registered = TestChannels.register(resolvers)) {
                channel = TestChannels.channel(resolvers.target("orders"), SCHEME, Map.of("strategy", "round-robin"));
            }
            try (CallLoop calls = CallLoop.start(2, () -> TestChannels.read(channel))) {
                LoadBalancer lb = TestChannels.awaitReady(policy, channel, 2);
                await().atMost(BOUND).until(() -> calls.servedBy("127.0.0.11") > 0 && calls.servedBy("127.0.0.12") > 0);

                hosts("127.0.0.12 " + NAME + "\n127.0.0.13 " + NAME + "\n");
                await().atMost(BOUND).until(() -> hostsOf(lb).equals(Set.of("127.0.0.12", "127.0.0.13"))
                        && lb.getMetrics().getNumberOfAvailableInstances() == 2);
                calls.mark("changed");
                await().atMost(BOUND).until(() -> calls.servedSince("changed").values().stream().mapToInt(n -> n).sum() > 100);

                assertThat(calls.servedSince("changed")).containsOnlyKeys("127.0.0.12", "127.0.0.13");
                assertThat(calls.failures()).isEmpty();
            } finally {
                TestChannels.shutdown(channel);
            }
        }
    }

    private static Set<String> hostsOf(LoadBalancer lb) {
        return lb.getInstances().stream().map(s -> s.instance().host()).collect(Collectors.toSet());
    }

    private static void hosts(String content) throws Exception {
        Path staging = Files.writeString(hostsFile.resolveSibling(".grpc-module-test.tmp"), content);
        Files.move(staging, hostsFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
