package io.github.loadbalancer4j.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.NoAvailableInstanceException;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.event.DiscoveryFailedEvent;
import io.github.loadbalancer4j.testing.RecordingListener;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;

class DnsInstanceSourceTest {

    private static final Duration INTERVAL = Duration.ofMillis(200);
    private static final Duration TIMEOUT = Duration.ofMillis(150);
    private static final Duration BOUND = Duration.ofSeconds(10);

    private static Dnsmasq dnsmasq;

    @BeforeAll
    static void startDnsmasq() throws Exception {
        dnsmasq = Dnsmasq.startOrSkip(
                "host-record=inst1.svc.test,127.0.0.11",
                "host-record=inst2.svc.test,127.0.0.12",
                "host-record=inst3.svc.test,127.0.0.13",
                "host-record=dual.svc.test,127.0.0.21,::1",
                "srv-host=_http._tcp.orders.svc.test,inst1.svc.test,8081,0,10",
                "srv-host=_http._tcp.orders.svc.test,inst2.svc.test,8082,0,30",
                "srv-host=_http._tcp.orders.svc.test,inst3.svc.test,8083,1,50",
                "srv-host=_http._tcp.even.svc.test,inst1.svc.test,9001,5,0",
                "srv-host=_http._tcp.even.svc.test,inst2.svc.test,9002,5,0",
                "srv-host=_http._tcp.resolved.svc.test,dual.svc.test,9100,0,20",
                "srv-host=_http._tcp.resolved.svc.test,inst1.svc.test,9101,0,5",
                "cname=alias.svc.test,inst3.svc.test");
    }

    @AfterAll
    static void stopDnsmasq() throws Exception {
        if (dnsmasq != null) {
            dnsmasq.close();
        }
    }

    @BeforeEach
    void dnsmasqIsRunning() throws Exception {
        if (!dnsmasq.isRunning()) {
            dnsmasq.start();
        }
    }

    @Test
    void addressRecordsChangedLiveReachTheLoadBalancerWithinOneInterval() throws Exception {
        dnsmasq.hosts("live", "127.0.0.11 live.svc.test\n127.0.0.12 live.svc.test\n");
        await().atMost(BOUND).ignoreExceptions()
                .until(() -> dnsmasq.addressesOf("live.svc.test"), a -> a.size() == 2);
        Duration interval = Duration.ofSeconds(1);
        try (DnsInstanceSource source = DnsInstanceSource.forAddresses("live.svc.test", 8080)
                .resolver(dnsmasq.address()).interval(interval).timeout(TIMEOUT).build();
                LoadBalancer lb = LoadBalancer.of("live", source)) {
            List<String> before = hostPorts(lb);

            dnsmasq.hosts("live", "127.0.0.12 live.svc.test\n127.0.0.13 live.svc.test\n");
            await().atMost(BOUND).ignoreExceptions()
                    .until(() -> dnsmasq.addressesOf("live.svc.test"), a -> a.contains("127.0.0.13"));
            long served = System.nanoTime();
            await().atMost(BOUND).until(() -> hostPorts(lb).contains("127.0.0.13:8080"));
            Duration arrival = Duration.ofNanos(System.nanoTime() - served);

            assertThat(before).containsExactly("127.0.0.11:8080", "127.0.0.12:8080");
            assertThat(hostPorts(lb)).containsExactly("127.0.0.12:8080", "127.0.0.13:8080");
            // One interval, plus the lookup itself and scheduling on a busy machine.
            assertThat(arrival).isLessThan(interval.plusMillis(500));
        }
    }

    @Test
    void aaaaRecordsGiveIpv6InstancesAfterTheIpv4Ones() {
        try (DnsInstanceSource source = DnsInstanceSource.forAddresses("dual.svc.test", 8443)
                .resolver(dnsmasq.address()).secure(true).interval(INTERVAL).timeout(TIMEOUT).build()) {

            List<ServiceInstance> instances = source.instances();

            assertThat(instances).extracting(ServiceInstance::host).containsExactly("127.0.0.21", "0:0:0:0:0:0:0:1");
            assertThat(instances).allSatisfy(i -> {
                assertThat(i.port()).isEqualTo(8443);
                assertThat(i.secure()).isTrue();
            });
        }
    }

    @Test
    void cnameIsFollowedToTheAddresses() {
        try (DnsInstanceSource source = DnsInstanceSource.forAddresses("alias.svc.test", 8080)
                .resolver(dnsmasq.address()).interval(INTERVAL).timeout(TIMEOUT).build()) {

            List<ServiceInstance> instances = source.instances();

            assertThat(instances).extracting(ServiceInstance::id).containsExactly("127.0.0.13:8080");
        }
    }

    @Test
    void srvWeightsArriveAsInstanceWeightsFromTheLowestPriorityGroupOnly() {
        try (DnsInstanceSource source = DnsInstanceSource.forSrv("_http._tcp.orders.svc.test")
                .resolver(dnsmasq.address()).interval(INTERVAL).timeout(TIMEOUT).build();
                LoadBalancer lb = LoadBalancer.of("orders", source)) {

            List<ServiceInstance> instances = lb.getInstances().stream().map(InstanceStatus::instance)
                    .collect(Collectors.toList());

            assertThat(instances).extracting(ServiceInstance::host, ServiceInstance::port, ServiceInstance::weight)
                    .containsExactly(
                            tuple("inst1.svc.test", 8081, 10),
                            tuple("inst2.svc.test", 8082, 30));
        }
    }

    @Test
    void srvTargetsResolvedGiveOneInstancePerAddressWithTheRecordsPortAndWeight() {
        try (DnsInstanceSource source = DnsInstanceSource.forSrv("_http._tcp.resolved.svc.test").resolveTargets(true)
                .resolver(dnsmasq.address()).interval(INTERVAL).timeout(TIMEOUT).build()) {

            List<ServiceInstance> instances = source.instances();

            assertThat(instances).extracting(ServiceInstance::host, ServiceInstance::port, ServiceInstance::weight)
                    .containsExactly(
                            tuple("127.0.0.21", 9100, 20),
                            tuple("0:0:0:0:0:0:0:1", 9100, 20),
                            tuple("127.0.0.11", 9101, 5));
        }
    }

    @Test
    void srvGroupWithOnlyZeroWeightsSpreadsEvenly() {
        try (DnsInstanceSource source = DnsInstanceSource.forSrv("_http._tcp.even.svc.test")
                .resolver(dnsmasq.address()).interval(INTERVAL).timeout(TIMEOUT).build()) {

            List<ServiceInstance> instances = source.instances();

            assertThat(instances).extracting(ServiceInstance::id)
                    .containsExactly("inst1.svc.test:9001", "inst2.svc.test:9002");
            assertThat(instances).extracting(ServiceInstance::weight).containsExactly(1, 1);
        }
    }

    @Test
    void removedNameEmptiesTheList() throws Exception {
        dnsmasq.hosts("gone", "127.0.0.11 gone.svc.test\n");
        await().atMost(BOUND).ignoreExceptions()
                .until(() -> dnsmasq.addressesOf("gone.svc.test"), a -> a.equals(List.of("127.0.0.11")));
        try (DnsInstanceSource source = DnsInstanceSource.forAddresses("gone.svc.test", 8080)
                .resolver(dnsmasq.address()).interval(INTERVAL).timeout(TIMEOUT).build();
                LoadBalancer lb = LoadBalancer.of("gone", source)) {
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            lb.getEventPublisher().onDiscoveryFailed(e -> failures.add(e.getCause()));
            List<String> before = hostPorts(lb);

            dnsmasq.removeHosts("gone");

            await().atMost(BOUND).until(() -> source.instances().isEmpty());
            assertThat(before).containsExactly("127.0.0.11:8080");
            assertThat(lb.getInstances()).isEmpty();
            assertThat(lb.getMetrics().getNumberOfKnownInstances()).isZero();
            assertThat(failures).isEmpty();
        }
    }

    @Test
    void stoppedDnsServerKeepsTheLastGoodListAndReportsTheFailure() throws Exception {
        dnsmasq.hosts("kept", "127.0.0.11 kept.svc.test\n127.0.0.12 kept.svc.test\n");
        await().atMost(BOUND).ignoreExceptions()
                .until(() -> dnsmasq.addressesOf("kept.svc.test"), a -> a.size() == 2);
        try (DnsInstanceSource source = DnsInstanceSource.forAddresses("kept.svc.test", 8080)
                .resolver(dnsmasq.address()).interval(INTERVAL).timeout(TIMEOUT).build();
                LoadBalancer lb = LoadBalancer.of("kept", source)) {
            List<DiscoveryFailedEvent> events = new CopyOnWriteArrayList<>();
            lb.getEventPublisher().onDiscoveryFailed(events::add);
            RecordingListener recorder = new RecordingListener();
            source.subscribe(recorder);
            List<Throwable> listened = recorder.failures();

            dnsmasq.stop();

            await().atMost(BOUND).until(() -> events.size() >= 2 && !listened.isEmpty());
            assertThat(hostPorts(lb)).containsExactly("127.0.0.11:8080", "127.0.0.12:8080");
            assertThat(source.instances()).hasSize(2);
            assertThat(events.get(0).getCause()).isInstanceOf(DnsLookupException.class)
                    .hasMessage("DNS lookup of kept.svc.test. A at " + dnsmasq.address()
                            + " failed: server unreachable (ICMP port unreachable: nothing listens there)");
            assertThat(listened.get(0)).isInstanceOf(DnsLookupException.class);

            dnsmasq.start();
            dnsmasq.hosts("kept", "127.0.0.13 kept.svc.test\n");

            await().atMost(BOUND).until(() -> hostPorts(lb).equals(List.of("127.0.0.13:8080")));
        }
    }

    @Test
    void refusedAnswerIsAFailureNotAnEmptyList() {
        // No upstream is configured, so dnsmasq refuses names outside its local zone.
        try (DnsInstanceSource source = DnsInstanceSource.forAddresses("orders.example", 8080)
                .resolver(dnsmasq.address()).interval(INTERVAL).timeout(TIMEOUT).build()) {
            RecordingListener heard = new RecordingListener();
            source.subscribe(heard);
            List<Throwable> failures = heard.failures();
            List<List<ServiceInstance>> lists = heard.lists();

            await().atMost(BOUND).until(() -> !failures.isEmpty());

            assertThat(failures.get(0)).isInstanceOf(DnsLookupException.class)
                    .hasMessage("DNS lookup of orders.example. A at " + dnsmasq.address() + " failed: REFUSED");
            assertThat(lists).hasSize(1); // the subscription's first delivery; no list was applied since
        }
    }

    @Test
    void servfailKeepsTheLastGoodListAndReportsTheFailure() throws Exception {
        try (ScriptedDnsServer server = new ScriptedDnsServer()) {
            server.answer("127.0.0.11", "127.0.0.12");
            try (DnsInstanceSource source = DnsInstanceSource.forAddresses("orders.svc.test", 8080)
                    .resolver(server.address()).interval(INTERVAL).timeout(TIMEOUT).build();
                    LoadBalancer lb = LoadBalancer.of("orders", source)) {
                List<DiscoveryFailedEvent> events = new CopyOnWriteArrayList<>();
                lb.getEventPublisher().onDiscoveryFailed(events::add);
                List<String> before = hostPorts(lb);

                server.fail(Rcode.SERVFAIL);

                await().atMost(BOUND).until(() -> events.size() >= 2);
                assertThat(before).containsExactly("127.0.0.11:8080", "127.0.0.12:8080");
                assertThat(hostPorts(lb)).containsExactly("127.0.0.11:8080", "127.0.0.12:8080");
                assertThat(events.get(0).getCause()).isInstanceOf(DnsLookupException.class)
                        .hasMessage("DNS lookup of orders.svc.test. A at " + server.address() + " failed: SERVFAIL");
            }
        }
    }

    @Test
    void aLoadBalancerOnASourceWhoseFirstLookupFailedSaysWhyItHasNoInstance() throws Exception {
        try (ScriptedDnsServer server = new ScriptedDnsServer()) {
            server.fail(Rcode.SERVFAIL);
            try (DnsInstanceSource source = DnsInstanceSource.forAddresses("orders.svc.test", 8080)
                    .resolver(server.address()).interval(INTERVAL).timeout(TIMEOUT).build();
                    LoadBalancer lb = LoadBalancer.of("orders", source)) {
                // build() ran the first lookup; the load balancer subscribed after it failed.
                assertThatThrownBy(() -> lb.executeSupplier(instance -> instance))
                        .isInstanceOf(NoAvailableInstanceException.class)
                        .hasMessage("LoadBalancer 'orders' has no available instance (0 known: discovery failed: "
                                + "DNS lookup of orders.svc.test. A at " + server.address() + " failed: SERVFAIL)")
                        .hasCauseInstanceOf(DnsLookupException.class);

                server.answer();

                await().atMost(BOUND).untilAsserted(() -> assertThatThrownBy(() -> lb.executeSupplier(instance -> instance))
                        .hasMessage("LoadBalancer 'orders' has no available instance (0 known: discovery returned no instances)"));
            }
        }
    }

    @Test
    void theSameListIsPublishedAgainWhenALookupSucceedsAfterAFailure() throws Exception {
        try (ScriptedDnsServer server = new ScriptedDnsServer()) {
            server.answer("127.0.0.11");
            try (DnsInstanceSource source = DnsInstanceSource.forAddresses("orders.svc.test", 8080)
                    .resolver(server.address()).interval(INTERVAL).timeout(TIMEOUT).build()) {
                RecordingListener listener = new RecordingListener();
                source.subscribe(listener);
                List<String> heard = listener.heard();
                String list = "instances [127.0.0.11:8080]";
                // The source asks for A and AAAA records: the failure may come from either query,
                // depending on which one the server answered first after it started failing.
                List<String> failures = List.of(
                        "failure DNS lookup of orders.svc.test. A at " + server.address() + " failed: SERVFAIL",
                        "failure DNS lookup of orders.svc.test. AAAA at " + server.address() + " failed: SERVFAIL");
                int unchangedQueries = server.queriesReceived() + 3;
                await().atMost(BOUND).until(() -> server.queriesReceived() >= unchangedQueries);
                assertThat(heard).containsExactly(list); // unchanged answers are not published again

                server.fail(Rcode.SERVFAIL);
                await().atMost(BOUND).until(() -> heard.stream().anyMatch(failures::contains));
                server.answer("127.0.0.11");

                // The unchanged list is published once more: listeners learn that discovery is back.
                await().atMost(BOUND).until(() -> heard.get(heard.size() - 1).equals(list));
                assertThat(heard.get(0)).isEqualTo(list);
                assertThat(failures).contains(heard.get(1));
                assertThat(heard.subList(1, heard.size() - 1)).allSatisfy(h -> assertThat(failures).contains(h));
                assertThat(heard.get(heard.size() - 1)).isEqualTo(list);
            }
        }
    }

    @Test
    void unansweredQueryTimesOutAndIsReported() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            String address = "127.0.0.1:" + silent.getLocalPort();
            try (DnsInstanceSource source = DnsInstanceSource.forAddresses("inst1.svc.test", 8080)
                    .resolver(address).interval(INTERVAL).timeout(Duration.ofMillis(100)).build()) {
                RecordingListener recorder = new RecordingListener();
                source.subscribe(recorder);
                List<Throwable> failures = recorder.failures();

                await().atMost(BOUND).until(() -> !failures.isEmpty());

                assertThat(failures.get(0)).isInstanceOf(DnsLookupException.class)
                        .hasMessage("DNS lookup of inst1.svc.test. A at " + address + " failed: timed out after PT0.1S");
                assertThat(source.instances()).isEmpty();
            }
        }
    }

    @Test
    void closeLeavesNoThreadBehind() {
        DnsInstanceSource source = DnsInstanceSource.forAddresses("inst1.svc.test", 8080)
                .resolver(dnsmasq.address()).interval(INTERVAL).timeout(TIMEOUT).build();
        await().atMost(BOUND).until(() -> !dnsThreads().isEmpty());
        List<String> running = dnsThreads();

        source.close();

        assertThat(running).containsExactly("loadbalancer4j-dns-inst1.svc.test");
        assertThat(dnsThreads()).isEmpty();
        assertThat(source.instances()).extracting(ServiceInstance::id).containsExactly("127.0.0.11:8080");
    }

    @Test
    void closeEndsAQueryThatIsWaitingForAnAnswer() throws Exception {
        try (ScriptedDnsServer server = new ScriptedDnsServer()) {
            server.answer("127.0.0.11");
            Duration timeout = Duration.ofMillis(2500);
            DnsInstanceSource source = DnsInstanceSource.forAddresses("slow.svc.test", 8080).resolver(server.address())
                    .interval(Duration.ofSeconds(3)).timeout(timeout).build();
            int answered = server.queriesReceived();
            server.goSilent();
            // The next lookup has sent its query and waits (up to the timeout) for an answer that never comes.
            await().atMost(BOUND).until(() -> server.queriesReceived() > answered);
            long start = System.nanoTime();

            source.close();

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(timeout.dividedBy(2));
            assertThat(dnsThreads()).isEmpty();
            assertThat(source.instances()).extracting(ServiceInstance::id).containsExactly("127.0.0.11:8080");
        }
    }

    private static List<String> dnsThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith("loadbalancer4j-dns") || n.toLowerCase().contains("dnsjava"))
                .collect(Collectors.toList());
    }

    private static List<String> hostPorts(LoadBalancer lb) {
        return lb.getInstances().stream().map(s -> s.instance().id()).collect(Collectors.toList());
    }
}
