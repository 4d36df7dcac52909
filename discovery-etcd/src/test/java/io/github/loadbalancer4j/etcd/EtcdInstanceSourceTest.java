package io.github.loadbalancer4j.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.testing.RecordingListener;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against the etcd that the test script starts; each test under a prefix of its own. */
class EtcdInstanceSourceTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private String endpoint;
    private String prefix;
    private Registrar registrar;
    private EtcdInstanceSource source;
    private final RecordingListener listener = new RecordingListener();

    @BeforeEach
    void connect() {
        endpoint = SharedEtcd.endpointOrSkip();
        prefix = SharedEtcd.uniquePrefix("orders");
        registrar = new Registrar(endpoint, prefix);
    }

    @AfterEach
    void cleanUp() {
        if (source != null) {
            source.close();
        }
        if (registrar != null) { // null when the test was skipped: no etcd
            registrar.deregisterAll();
            registrar.close();
        }
    }

    private EtcdInstanceSource follow(EtcdInstanceSource.Builder builder) {
        source = builder.build();
        source.subscribe(listener);
        return source;
    }

    private EtcdInstanceSource follow() {
        return follow(EtcdInstanceSource.builder(prefix).endpoints(endpoint));
    }

    @Test
    void instancesRegisteredBeforeTheSourceStartsAreInTheFirstList() {
        registrar.register("b", "127.0.0.12:8080");
        registrar.register("a", "127.0.0.11:8080");

        follow();

        assertThat(source.instances()).extracting(ServiceInstance::id).containsExactly("127.0.0.11:8080", "127.0.0.12:8080");
        assertThat(listener.failures()).isEmpty();
    }

    @Test
    void registeredAndDeregisteredInstancesReachTheListeners() {
        registrar.register("a", "127.0.0.11:8080");
        follow();

        registrar.register("b", "127.0.0.12:8080");
        await().atMost(WAIT).until(() -> listener.lastIds().size() == 2);
        registrar.deregister("a");
        await().atMost(WAIT).until(() -> listener.lastIds().equals(List.of("127.0.0.12:8080")));

        assertThat(listener.heard()).containsExactly(
                "instances [127.0.0.11:8080]",
                "instances [127.0.0.11:8080, 127.0.0.12:8080]",
                "instances [127.0.0.12:8080]");
        assertThat(source.instances()).extracting(ServiceInstance::id).containsExactly("127.0.0.12:8080");
    }

    @Test
    void instanceWhoseLeaseExpiresDisappears() {
        registrar.register("a-steady", "127.0.0.11:8080");
        follow();

        // Nobody renews the lease: etcd deletes the key when it expires (1 s, checked every 500 ms).
        registrar.registerWithLease("b-leased", "127.0.0.12:8080", 1);

        await().atMost(WAIT).until(() -> listener.lists().size() == 3);
        assertThat(listener.heard()).containsExactly(
                "instances [127.0.0.11:8080]",
                "instances [127.0.0.11:8080, 127.0.0.12:8080]",
                "instances [127.0.0.11:8080]");
        assertThat(listener.failures()).isEmpty();
    }

    @Test
    void keysChangedInOneTransactionAreAppliedTogether() {
        follow();

        registrar.registerAtOnce(Map.of("a", "127.0.0.11:8080", "b", "127.0.0.12:8080", "c", "127.0.0.13:8080"));

        await().atMost(WAIT).until(() -> listener.lastIds().size() == 3);
        assertThat(listener.heard()).containsExactly(
                "instances []",
                "instances [127.0.0.11:8080, 127.0.0.12:8080, 127.0.0.13:8080]");
    }

    @Test
    void emptyPrefixIsAnAuthoritativeEmptyList() {
        follow();

        assertThat(source.instances()).isEmpty();
        assertThat(listener.lists()).containsExactly(List.of());
        assertThat(listener.failures()).isEmpty();
    }

    @Test
    void keysOutsideThePrefixAreIgnored() {
        String sibling = prefix.substring(0, prefix.length() - 1) + "-v2/x";
        registrar.putRaw(sibling, "127.0.0.13:8080");
        registrar.register("a", "127.0.0.11:8080");

        try {
            follow();
            registrar.putRaw(sibling, "127.0.0.12:8080");
            registrar.register("b", "127.0.0.11:9090");
            await().atMost(WAIT).until(() -> listener.lastIds().size() == 2);

            assertThat(source.instances()).extracting(ServiceInstance::id).containsExactly("127.0.0.11:8080", "127.0.0.11:9090");
            assertThat(listener.lists()).hasSize(2);
        } finally {
            registrar.deleteRaw(sibling);
        }
    }

    @Test
    void uriAndJsonValuesGiveSecureWeightZoneAndMetadata() {
        registrar.register("a", "https://127.0.0.11:8443");
        registrar.register("b", "{\"host\": \"127.0.0.12\", \"port\": 8080, \"weight\": 3, \"zone\": \"eu-1\","
                + " \"metadata\": {\"version\": \"2.1\", \"canary\": true}}");
        registrar.register("c", "{\"Addr\": \"127.0.0.13:9090\", \"Metadata\": {\"grpc\": \"yes\"}}");

        follow();

        assertThat(source.instances()).hasSize(3);
        ServiceInstance a = source.instances().get(0);
        ServiceInstance b = source.instances().get(1);
        ServiceInstance c = source.instances().get(2);
        assertThat(a.uri()).hasToString("https://127.0.0.11:8443");
        assertThat(b.id()).isEqualTo("127.0.0.12:8080");
        assertThat(b.weight()).isEqualTo(3);
        assertThat(b.zone()).isEqualTo("eu-1");
        assertThat(b.metadata()).containsOnly(Map.entry("version", "2.1"), Map.entry("canary", "true"));
        assertThat(c.id()).isEqualTo("127.0.0.13:9090");
        assertThat(c.metadata()).containsOnly(Map.entry("grpc", "yes"));
    }

    @Test
    void changedValueIsPublishedWithItsNewWeight() {
        registrar.register("a", "{\"address\": \"127.0.0.11:8080\", \"weight\": 1}");
        follow();

        registrar.register("a", "{\"address\": \"127.0.0.11:8080\", \"weight\": 5}");

        await().atMost(WAIT).until(() -> listener.lists().size() == 2);
        assertThat(listener.last()).extracting(ServiceInstance::weight).containsExactly(5);
    }

    @Test
    void unreadableValuesAreSkippedAndReportedOnce() {
        registrar.register("good", "127.0.0.11:8080");
        registrar.register("garbage", "not an address");
        follow();

        registrar.register("bad-port", "127.0.0.12:99999");
        registrar.register("bad-json", "{\"host\": \"127.0.0.13\"");
        registrar.register("good2", "127.0.0.13:8080");
        await().atMost(WAIT).until(() -> listener.lastIds().size() == 2);

        assertThat(listener.lastIds()).containsExactly("127.0.0.11:8080", "127.0.0.13:8080");
        assertThat(listener.failures()).hasSize(3).allSatisfy(f -> assertThat(f).isInstanceOf(UnreadableEntryException.class));
        List<UnreadableEntryException> failures = listener.failures().stream().map(UnreadableEntryException.class::cast).toList();
        assertThat(failures).extracting(UnreadableEntryException::key)
                .containsExactly(registrar.key("garbage"), registrar.key("bad-port"), registrar.key("bad-json"));
        assertThat(failures.get(0).value()).isEqualTo("not an address");
        assertThat(failures.get(0).prefix()).isEqualTo(prefix);
        assertThat(failures.get(0).modRevision()).isPositive();
        assertThat(failures.get(0)).hasMessage("Skipped key '" + registrar.key("garbage") + "' (revision "
                + failures.get(0).modRevision() + ") under prefix '" + prefix + "': value: 'not an address'"
                + " (expected: host:port or http(s)://host:port); value: 'not an address'");
        assertThat(failures.get(1).getCause()).hasMessage("port: 99999 (expected: 1-65535)");
    }

    @Test
    void unreadableValueThatIsFixedIsApplied() {
        registrar.register("a", "127.0.0.11:http");
        follow();
        boolean emptyAtFirst = source.instances().isEmpty();

        registrar.register("a", "127.0.0.11:8080");

        await().atMost(WAIT).until(() -> listener.lastIds().equals(List.of("127.0.0.11:8080")));
        assertThat(emptyAtFirst).isTrue();
        assertThat(listener.failures()).hasSize(1);
    }

    @Test
    void listenerSubscribingLaterLearnsOfUnreadableKeys() {
        registrar.register("a", "garbage");
        follow();
        RecordingListener late = new RecordingListener();

        source.subscribe(late);

        assertThat(late.lists()).containsExactly(List.of());
        assertThat(late.failures()).singleElement().isInstanceOf(UnreadableEntryException.class)
                .extracting(f -> ((UnreadableEntryException) f).key()).isEqualTo(registrar.key("a"));
    }

    @Test
    void customMapperReadsTheAddressFromTheKeyAndLeavesKeysOut() {
        registrar.register("127.0.0.11:8080", "up");
        registrar.register("127.0.0.12:8080", "down");
        registrar.register("not a host", "up");
        EtcdInstanceMapper addressInKey = (key, value) -> value.equals("down")
                ? null
                : ServiceInstance.parse("http://" + key.substring(key.lastIndexOf('/') + 1));

        follow(EtcdInstanceSource.builder(prefix).endpoints(endpoint).mapper(addressInKey));
        registrar.register("127.0.0.12:8080", "up");

        await().atMost(WAIT).until(() -> listener.lists().size() == 2);
        assertThat(listener.heard()).filteredOn(heard -> heard.startsWith("instances"))
                .containsExactly("instances [127.0.0.11:8080]", "instances [127.0.0.11:8080, 127.0.0.12:8080]");
        assertThat(listener.failures()).singleElement().isInstanceOf(UnreadableEntryException.class)
                .extracting(f -> ((UnreadableEntryException) f).key()).isEqualTo(registrar.key("not a host"));
    }

    @Test
    void sameAddressUnderTwoKeysIsCollapsedAndReported() {
        registrar.register("a", "127.0.0.11:8080");
        registrar.register("b", "http://127.0.0.11:8080");

        follow();

        assertThat(source.instances()).extracting(ServiceInstance::id).containsExactly("127.0.0.11:8080");
        registrar.register("c", "127.0.0.11:8080");
        await().atMost(WAIT).until(() -> !listener.duplicates().isEmpty());
        assertThat(listener.duplicates().get(0)).extracting(ServiceInstance::id).containsOnly("127.0.0.11:8080");
    }

    @Test
    void aClientGivenToTheSourceIsUsed() {
        registrar.register("a", "127.0.0.11:8080");

        follow(EtcdInstanceSource.builder(prefix).client(registrar.client()));
        registrar.register("b", "127.0.0.12:8080");

        await().atMost(WAIT).until(() -> listener.lastIds().size() == 2);
        assertThat(source.prefix()).isEqualTo(prefix);
        assertThat(source).hasToString("EtcdInstanceSource{" + prefix + ", " + source.instances() + "}");
    }
}
