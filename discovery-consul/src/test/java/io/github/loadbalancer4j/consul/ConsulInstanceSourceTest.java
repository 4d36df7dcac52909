package io.github.loadbalancer4j.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.testing.RecordingListener;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The source against {@link FakeConsul}, a loopback server that follows Consul's documented
 * blocking-query protocol: protocol tests, not tests against a real Consul.
 */
class ConsulInstanceSourceTest {

    private static final Duration BOUND = Duration.ofSeconds(10);

    private FakeConsul consul;
    private ConsulInstanceSource source;

    @BeforeEach
    void startConsul() throws Exception {
        consul = FakeConsul.start();
    }

    @AfterEach
    void stop() {
        if (source != null) {
            source.close();
        }
        consul.close();
    }

    /** Fast loops for tests in real time: a small rate limit and backoff. */
    private ConsulInstanceSource.Builder builder() {
        return ConsulInstanceSource.builder("orders")
                .address(consul.address())
                .rateLimit(Duration.ofMillis(10), 2)
                .backoff(Duration.ofMillis(20), Duration.ofMillis(100));
    }

    @Test
    void buildReadsTheHealthyInstancesOnceWithoutBlocking() {
        consul.register("orders", "orders-1", "127.0.0.11", 8080);
        consul.register("orders", "orders-2", "127.0.0.12", 8080);
        consul.register("payments", "payments-1", "127.0.0.13", 9090);

        source = builder().build();

        assertThat(source.instances()).extracting(ServiceInstance::id).containsExactly("127.0.0.11:8080", "127.0.0.12:8080");
        RecordedRequest first = consul.requests().get(0);
        assertThat(first.getUrl().encodedPath()).isEqualTo("/v1/health/service/orders");
        assertThat(first.getUrl().queryParameterNames()).containsExactly("passing");
        assertThat(first.getUrl().queryParameter("passing")).isNull();
    }

    @Test
    void addedAndRemovedInstancesArriveWithoutWaitingForTheWaitTime() {
        consul.register("orders", "orders-1", "127.0.0.11", 8080);
        source = builder().waitTime(Duration.ofMinutes(5)).build();
        RecordingListener listener = new RecordingListener();
        source.subscribe(listener);
        await().atMost(BOUND).until(() -> consul.held() == 1);
        long indexBefore = consul.index();

        long added = consul.register("orders", "orders-2", "127.0.0.12", 8080);
        await().atMost(BOUND).until(() -> listener.lastIds().size() == 2);
        await().atMost(BOUND).until(() -> consul.held() == 1);
        consul.deregister("orders", "orders-1");
        await().atMost(BOUND).until(() -> listener.lastIds().equals(List.of("127.0.0.12:8080")));

        assertThat(listener.heard()).containsExactly(
                "instances [127.0.0.11:8080]",
                "instances [127.0.0.11:8080, 127.0.0.12:8080]",
                "instances [127.0.0.12:8080]");
        assertThat(consul.indexesAsked()).startsWith("-", Long.toString(indexBefore), Long.toString(added));
        RecordedRequest blocking = consul.requests().get(1);
        assertThat(blocking.getUrl().queryParameter("wait")).isEqualTo("300s");
        assertThat(blocking.getUrl().queryParameterNames()).contains("passing");
    }

    @Test
    void instanceWhoseCheckFailsLeavesAndComesBack() {
        consul.register("orders", "orders-1", "127.0.0.11", 8080);
        consul.register("orders", "orders-2", "127.0.0.12", 8080);
        source = builder().build();
        RecordingListener listener = new RecordingListener();
        source.subscribe(listener);

        consul.passing("orders", "orders-1", false);
        await().atMost(BOUND).until(() -> listener.lastIds().equals(List.of("127.0.0.12:8080")));
        consul.passing("orders", "orders-1", true);
        await().atMost(BOUND).until(() -> listener.lastIds().size() == 2);

        assertThat(listener.failures()).isEmpty();
    }

    @Test
    void emptyAnswerIsApplied() {
        consul.register("orders", "orders-1", "127.0.0.11", 8080);
        source = builder().build();
        RecordingListener listener = new RecordingListener();
        source.subscribe(listener);

        consul.deregister("orders", "orders-1");

        await().atMost(BOUND).until(() -> listener.lists().size() == 2);
        assertThat(source.instances()).isEmpty();
        assertThat(listener.failures()).isEmpty();
    }

    @Test
    void indexGoingBackwardsResetsTheLoopSoThatLaterChangesArrive() {
        consul.register("orders", "orders-1", "127.0.0.11", 8080);
        consul.register("orders", "orders-2", "127.0.0.12", 8080);
        source = builder().waitTime(Duration.ofMillis(200)).build();
        RecordingListener listener = new RecordingListener();
        source.subscribe(listener);
        long highest = consul.index();
        await().atMost(BOUND).until(() -> consul.held() == 1);

        // A snapshot restored: the index drops from 3 to 1. The query held on 3 ends when its wait does.
        consul.setIndex(1);
        await().atMost(BOUND).until(() -> consul.held() == 1 && consul.indexesAsked().get(consul.indexesAsked().size() - 1).equals("1"));
        long next = consul.register("orders", "orders-3", "127.0.0.13", 8080);

        await().atMost(BOUND).until(() -> listener.lastIds().size() == 3);
        assertThat(next).isLessThanOrEqualTo(highest);
        assertThat(consul.indexesAsked()).containsSequence(Long.toString(highest), "-", "1");
        assertThat(listener.failures()).isEmpty();
    }

    @Test
    void indexZeroResetsTheLoopAndTheNextQueryWaitsOnIndexOne() {
        consul.register("orders", "orders-1", "127.0.0.11", 8080);
        source = builder().waitTime(Duration.ofMillis(200)).build();
        long before = consul.index();
        await().atMost(BOUND).until(() -> consul.held() == 1);

        consul.setIndex(0);

        await().atMost(BOUND).until(() -> consul.indexesAsked().contains("1") && consul.held() == 1);
        assertThat(consul.indexesAsked()).containsSequence(Long.toString(before), "-", "1");
        assertThat(consul.indexesAsked()).doesNotContain("0");
        assertThat(source.instances()).hasSize(1);
    }

    @Test
    void serverErrorKeepsTheLastListReportsItAndRecoveryIsPublishedAgain() {
        consul.register("orders", "orders-1", "127.0.0.11", 8080);
        source = builder().build();
        RecordingListener listener = new RecordingListener();
        source.subscribe(listener);
        await().atMost(BOUND).until(() -> consul.held() == 1);

        consul.enqueue(new MockResponse.Builder().code(503).body("No cluster leader").build());
        consul.register("orders", "orders-2", "127.0.0.12", 8080);

        await().atMost(BOUND).until(() -> listener.lists().size() == 3);
        assertThat(listener.heard()).containsExactly(
                "instances [127.0.0.11:8080]",
                "instances [127.0.0.11:8080, 127.0.0.12:8080]",
                listener.heard().get(2),
                "instances [127.0.0.11:8080, 127.0.0.12:8080]");
        ConsulDiscoveryException failure = (ConsulDiscoveryException) listener.failures().get(0);
        assertThat(failure.statusCode()).isEqualTo(503);
        assertThat(failure.serviceName()).isEqualTo("orders");
        assertThat(failure).hasMessageStartingWith("Consul query for service 'orders' at " + consul.address()
                + "/v1/health/service/orders?passing answered HTTP 503 'No cluster leader'; keeping the last 2 instances,"
                + " next try in ");
        // After the failure the loop reads at once instead of blocking, so recovery shows without a change.
        assertThat(consul.indexesAsked()).containsSequence(Long.toString(consul.index()), "-");
    }

    @Test
    void queryThatTimesOutKeepsTheLastListAndIsReported() {
        consul.register("orders", "orders-1", "127.0.0.11", 8080);
        source = builder().waitTime(Duration.ofMillis(100)).timeout(Duration.ofMillis(200)).build();
        RecordingListener listener = new RecordingListener();
        source.subscribe(listener);

        consul.stallNext();

        await().atMost(BOUND).until(() -> listener.lists().size() == 2);
        assertThat(listener.failures()).hasSize(1);
        ConsulDiscoveryException failure = (ConsulDiscoveryException) listener.failures().get(0);
        assertThat(failure.statusCode()).isEqualTo(-1);
        assertThat(failure).hasMessageContaining("failed: java.io.InterruptedIOException: timeout; keeping the last 1 instances");
        assertThat(listener.heard().get(1)).startsWith("failure ");
        assertThat(listener.lists()).allSatisfy(list -> assertThat(list).hasSize(1));
    }

    @Test
    void garbageBodyKeepsTheLastListAndIsReported() {
        consul.register("orders", "orders-1", "127.0.0.11", 8080);
        source = builder().build();
        RecordingListener listener = new RecordingListener();
        source.subscribe(listener);
        await().atMost(BOUND).until(() -> consul.held() == 1);

        consul.enqueue(FakeConsul.answer(99, "<html>502 Bad Gateway</html>"));
        consul.enqueue(FakeConsul.answer(99, "{\"Node\": {}}"));
        consul.register("orders", "orders-2", "127.0.0.12", 8080);

        await().atMost(BOUND).until(() -> listener.lists().size() == 3);
        assertThat(listener.failures()).hasSize(2);
        assertThat(listener.failures().get(0)).hasMessageContaining("answered with a body that is not a JSON array of health"
                + " entries: not JSON").hasMessageContaining("body: '<html>502 Bad Gateway</html>'");
        assertThat(listener.failures().get(1)).hasMessageContaining("not a JSON array of health entries: a JSON OBJECT");
        assertThat(source.instances()).hasSize(2);
    }

    @Test
    void unreadableEntriesAreSkippedAndEachReportedOnce() {
        consul.register("orders", "orders-1", "127.0.0.11", 8080);
        consul.putRaw("orders", "a-number", "42");
        consul.putRaw("orders", "no-port", "{\"Node\":{\"Address\":\"10.0.0.9\"},\"Service\":{\"ID\":\"no-port\"}}");
        consul.putRaw("orders", "text-port", "{\"Node\":{\"Address\":\"10.0.0.8\"},\"Service\":{\"ID\":\"text-port\",\"Port\":\"eighty\"}}");
        consul.putRaw("orders", "heavy", "{\"Node\":{\"Address\":\"10.0.0.7\"},\"Service\":{\"ID\":\"heavy\",\"Port\":80,"
                + "\"Meta\":{\"weight\":\"heavy\"}}}");
        RecordingListener early = new RecordingListener();

        source = builder().build();
        source.subscribe(early);
        consul.register("orders", "orders-2", "127.0.0.12", 8080);
        await().atMost(BOUND).until(() -> early.lists().size() == 2);
        RecordingListener late = new RecordingListener();
        source.subscribe(late);

        assertThat(source.instances()).extracting(ServiceInstance::id).containsExactly("127.0.0.11:8080", "127.0.0.12:8080");
        assertThat(early.failures()).hasSize(4).allSatisfy(f -> assertThat(f).isInstanceOf(UnreadableConsulEntryException.class));
        assertThat(early.failures()).extracting(f -> ((UnreadableConsulEntryException) f).serviceId())
                .containsExactly(null, "no-port", "text-port", "heavy");
        UnreadableConsulEntryException textPort = (UnreadableConsulEntryException) early.failures().get(2);
        assertThat(textPort.entry()).isEqualTo("{\"Node\":{\"Address\":\"10.0.0.8\"},\"Service\":{\"ID\":\"text-port\",\"Port\":\"eighty\"}}");
        assertThat(textPort).hasMessageStartingWith("Skipped entry 'text-port' of service 'orders': Service.Port: \"eighty\" (expected: an integer)");
        assertThat(early.failures().get(0)).hasMessageContaining("entry: NUMBER (expected: a JSON object)");
        assertThat(early.failures().get(1)).hasMessageContaining("port: 0 (expected: 1-65535)");
        assertThat(early.failures().get(3)).hasMessageContaining("weight: 'heavy' in metadata 'weight' (expected: an integer >= 0)");
        assertThat(late.failures()).hasSize(4);
    }

    @Test
    void tokenDatacenterNamespaceAndFilterAreSentOnTheWire() {
        consul.register("orders", "orders-1", "127.0.0.11", 8080);
        source = builder()
                .token("b1gs3cr3t-0000")
                .datacenter("dc2")
                .namespace("team-a")
                .filter("Service.Tags contains \"v2\"")
                .build();
        await().atMost(BOUND).until(() -> consul.held() == 1);

        for (RecordedRequest request : consul.requests()) {
            assertThat(request.getHeaders().get("X-Consul-Token")).isEqualTo("b1gs3cr3t-0000");
            assertThat(request.getUrl().queryParameter("dc")).isEqualTo("dc2");
            assertThat(request.getUrl().queryParameter("ns")).isEqualTo("team-a");
            assertThat(request.getUrl().queryParameter("filter")).isEqualTo("Service.Tags contains \"v2\"");
            assertThat(request.getUrl().queryParameterNames()).contains("passing");
        }
        assertThat(consul.requests()).hasSize(2);
        assertThat(source.toString()).doesNotContain("b1gs3cr3t");
    }

    @Test
    void tokenIsInNoFailureMessageEvenWhenConsulEchoesIt() {
        consul.register("orders", "orders-1", "127.0.0.11", 8080);
        consul.enqueue(new MockResponse.Builder().code(403).body("ACL not found: b1gs3cr3t-0000").build());
        RecordingListener listener = new RecordingListener();

        source = builder().token("b1gs3cr3t-0000").build();
        source.subscribe(listener);

        assertThat(listener.failures()).hasSize(1);
        assertThat(listener.failures().get(0)).hasMessageContaining("answered HTTP 403 'ACL not found: <redacted>'")
                .hasMessageNotContaining("b1gs3cr3t");
        await().atMost(BOUND).until(() -> source.instances().size() == 1);
    }

    @Test
    void unreachableConsulAtBuildStartsEmptyAndTellsLateListenersWhy() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        RecordingListener listener = new RecordingListener();

        source = builder().address("http://127.0.0.1:" + closedPort).build();
        source.subscribe(listener);

        assertThat(source.instances()).isEmpty();
        assertThat(listener.heard()).hasSize(2);
        assertThat(listener.heard().get(0)).isEqualTo("instances []");
        assertThat(listener.failures().get(0)).isInstanceOf(ConsulDiscoveryException.class)
                .hasMessageStartingWith("Consul query for service 'orders' at http://127.0.0.1:" + closedPort
                        + "/v1/health/service/orders?passing failed: java.net.ConnectException");
    }

    @Test
    void serviceAddressWinsOverNodeAddressAndMetadataIsMapped() {
        consul.register("orders", "orders-1", "node-a", "10.9.9.9", "127.0.0.11", 8443,
                List.of("v2", "zone=eu-2"), Map.of("zone", "eu-1", "weight", "3", "secure", "true"));
        consul.register("orders", "orders-2", "node-b", "127.0.0.12", "", 8080, List.of(), Map.of());

        source = builder().build();

        ServiceInstance first = source.instances().get(0);
        assertThat(first.id()).isEqualTo("127.0.0.11:8443");
        assertThat(first.secure()).isTrue();
        assertThat(first.zone()).isEqualTo("eu-1");
        assertThat(first.weight()).isEqualTo(3);
        assertThat(first.metadata()).containsEntry("consul.tags", "v2,zone=eu-2").containsEntry("consul.node", "node-a")
                .containsEntry("consul.service-id", "orders-1").containsEntry("consul.datacenter", "dc1");
        assertThat(source.instances().get(1).id()).isEqualTo("127.0.0.12:8080");
    }

    @Test
    void oneAddressRegisteredTwiceIsCollapsedAndReported() {
        consul.register("orders", "orders-1", "node-a", "127.0.0.11", "", 8080, List.of(), Map.of());
        consul.register("orders", "orders-1-again", "node-b", "10.0.0.2", "127.0.0.11", 8080, List.of(), Map.of());
        RecordingListener listener = new RecordingListener();

        source = builder().build();
        source.subscribe(listener);
        consul.register("orders", "orders-2", "127.0.0.12", 8080);
        await().atMost(BOUND).until(() -> listener.lists().size() == 2);

        assertThat(source.instances()).extracting(ServiceInstance::id).containsExactly("127.0.0.11:8080", "127.0.0.12:8080");
        assertThat(source.instances().get(0).metadata()).containsEntry("consul.service-id", "orders-1");
        assertThat(listener.duplicates()).singleElement()
                .satisfies(dropped -> assertThat(dropped).singleElement()
                        .satisfies(i -> assertThat(i.metadata()).containsEntry("consul.service-id", "orders-1-again")));
    }
}
