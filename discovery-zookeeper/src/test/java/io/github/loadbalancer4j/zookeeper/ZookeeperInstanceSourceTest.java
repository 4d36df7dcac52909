package io.github.loadbalancer4j.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.testing.RecordingListener;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ZookeeperInstanceSourceTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private TestingServer server;
    private Registrar registrar;
    private ZookeeperInstanceSource source;
    private LoadBalancer lb;
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startZookeeper() throws Exception {
        server = ZookeeperTestServers.start();
        registrar = new Registrar(server);
    }

    @AfterEach
    void stopEverything() throws Exception {
        if (lb != null) {
            lb.close();
        }
        if (source != null) {
            source.close();
        }
        registrar.close();
        server.close();
    }

    private LoadBalancer balancerOver(ZookeeperInstanceSource s) {
        source = s;
        lb = LoadBalancer.of("orders", s);
        lb.getEventPublisher().onDiscoveryFailed(event -> failures.add(event.getCause()));
        return lb;
    }

    private List<String> balancedIds() {
        return lb.getInstances().stream().map(status -> status.instance().id()).toList();
    }

    @Test
    void registeredAndUnregisteredInstancesReachTheLoadBalancer() throws Exception {
        balancerOver(ZookeeperTestServers.source(server).build());
        var first = registrar.register("127.0.0.11", 8081);
        var second = registrar.register("127.0.0.12", 8082);

        await().atMost(WAIT).until(() -> balancedIds().size() == 2);
        registrar.unregister(first);

        await().atMost(WAIT).until(() -> balancedIds().size() == 1);
        assertThat(balancedIds()).containsExactly("127.0.0.12:8082");
        assertThat(second.getAddress()).isEqualTo("127.0.0.12");
        assertThat(failures).isEmpty();
    }

    @Test
    void instancesRegisteredBeforeTheSourceStartsAreInTheFirstList() throws Exception {
        registrar.register("127.0.0.11", 8081);
        registrar.register("127.0.0.12", 8082);

        ZookeeperInstanceSource built = ZookeeperTestServers.source(server).build();
        source = built;

        assertThat(built.instances()).extracting(ServiceInstance::id)
                .containsExactly("127.0.0.11:8081", "127.0.0.12:8082");
        assertThat(built.servicePath()).isEqualTo("/services/orders");
    }

    @Test
    void springCloudPayloadGivesWeightZoneMetadataAndSecurePort() throws Exception {
        registrar.register("127.0.0.11", 8080, 8443,
                Map.of("instance_status", "UP", "weight", "5", "zone", "eu-west-1a", "version", "2.1"));

        balancerOver(ZookeeperTestServers.source(server).build());

        ServiceInstance instance = lb.getInstances().get(0).instance();
        assertThat(instance.host()).isEqualTo("127.0.0.11");
        assertThat(instance.port()).isEqualTo(8443);
        assertThat(instance.secure()).isTrue();
        assertThat(instance.weight()).isEqualTo(5);
        assertThat(instance.zone()).isEqualTo("eu-west-1a");
        assertThat(instance.metadata()).containsEntry("version", "2.1").containsEntry("instance_status", "UP");
        assertThat(instance.uri()).hasToString("https://127.0.0.11:8443");
    }

    @Test
    void mapPayloadFieldsBecomeMetadata() throws Exception {
        registrar.writeRaw("flat", "{\"name\":\"orders\",\"id\":\"flat\",\"address\":\"127.0.0.13\",\"port\":8083,"
                + "\"sslPort\":null,\"payload\":{\"@class\":\"java.util.HashMap\",\"zone\":\"b\",\"weight\":\"3\",\"tags\":[\"x\"]},"
                + "\"registrationTimeUTC\":1700000000000,\"serviceType\":\"DYNAMIC\",\"uriSpec\":null}");

        balancerOver(ZookeeperTestServers.source(server).build());

        ServiceInstance instance = lb.getInstances().get(0).instance();
        assertThat(instance.id()).isEqualTo("127.0.0.13:8083");
        assertThat(instance.secure()).isFalse();
        assertThat(instance.weight()).isEqualTo(3);
        assertThat(instance.zone()).isEqualTo("b");
        assertThat(instance.metadata()).containsOnly(Map.entry("zone", "b"), Map.entry("weight", "3"),
                Map.entry("tags", "[\"x\"]"));
    }

    @Test
    void outOfServiceAndDisabledRegistrationsAreLeftOutWithoutAFailure() throws Exception {
        registrar.register("127.0.0.11", 8081);
        registrar.register("127.0.0.12", 8082, null, Map.of("instance_status", "OUT_OF_SERVICE"));
        registrar.writeRaw("disabled", "{\"name\":\"orders\",\"id\":\"disabled\",\"address\":\"127.0.0.13\","
                + "\"port\":8083,\"enabled\":false}");

        balancerOver(ZookeeperTestServers.source(server).build());

        // The first list comes within build()'s initial wait, or after it on a busy machine.
        await().atMost(WAIT).until(() -> !balancedIds().isEmpty());
        assertThat(balancedIds()).containsExactly("127.0.0.11:8081");
        assertThat(failures).isEmpty();
    }

    @Test
    void customMapperKeysAndRegistrationIdsAreUsed() throws Exception {
        var registered = registrar.register("127.0.0.11", 8081, null, Map.of("lb-weight", "7", "rack", "r1"));
        ZookeeperInstanceMapper mapper = ZookeeperInstanceMapper.builder()
                .weightKey("lb-weight").zoneKey("rack").registrationIdAsId(true).build();

        balancerOver(ZookeeperTestServers.source(server).mapper(mapper).build());

        await().atMost(WAIT).until(() -> !balancedIds().isEmpty());
        ServiceInstance instance = lb.getInstances().get(0).instance();
        assertThat(instance.id()).isEqualTo(registered.getId());
        assertThat(instance.weight()).isEqualTo(7);
        assertThat(instance.zone()).isEqualTo("r1");
    }

    @Test
    void unreadableNodesAreSkippedAndReported() throws Exception {
        registrar.register("127.0.0.11", 8081);
        balancerOver(ZookeeperTestServers.source(server).build());

        registrar.writeRaw("garbage", "not json at all");
        registrar.writeRaw("portless", "{\"name\":\"orders\",\"id\":\"portless\",\"address\":\"127.0.0.12\"}");
        registrar.register("127.0.0.13", 8083);

        await().atMost(WAIT).until(() -> balancedIds().size() == 2 && failures.size() == 2);
        assertThat(balancedIds()).containsExactly("127.0.0.11:8081", "127.0.0.13:8083");
        assertThat(failures).allSatisfy(f -> assertThat(f).isInstanceOf(UnreadableRegistrationException.class));
        assertThat(failures).extracting(Throwable::getMessage).anySatisfy(m -> assertThat(m)
                .startsWith("Skipped a node under /services/orders: ").contains("data: 'not json at all'"));
        assertThat(failures).extracting(Throwable::getMessage).anySatisfy(m -> assertThat(m)
                .startsWith("Skipped registration 'portless' under /services/orders: port: null, sslPort: null"));
        assertThat(source.instances()).hasSize(2);
    }

    @Test
    void unreadableNodeThatIsFixedIsApplied() throws Exception {
        registrar.writeRaw("portless", "{\"name\":\"orders\",\"id\":\"portless\",\"address\":\"127.0.0.12\"}");
        balancerOver(ZookeeperTestServers.source(server).build());
        assertThat(source.instances()).isEmpty();

        registrar.client().setData().forPath("/services/orders/portless", Registrar.json("127.0.0.12", 8082));

        await().atMost(WAIT).until(() -> balancedIds().equals(List.of("127.0.0.12:8082")));
        assertThat(failures).isEmpty();
    }

    @Test
    void listenerSubscribingAfterTheStartLearnsOfUnreadableNodes() throws Exception {
        registrar.register("127.0.0.11", 8081);
        registrar.writeRaw("garbage", "\u0000\u0001binary");
        source = ZookeeperTestServers.source(server).build();
        RecordingListener listener = new RecordingListener();

        source.subscribe(listener);
        List<Throwable> reported = listener.failures();
        List<List<ServiceInstance>> lists = listener.lists();

        assertThat(lists).singleElement().satisfies(l -> assertThat(l).extracting(ServiceInstance::id)
                .containsExactly("127.0.0.11:8081"));
        assertThat(reported).singleElement().isInstanceOf(UnreadableRegistrationException.class)
                .satisfies(f -> assertThat(((UnreadableRegistrationException) f).data()).isEqualTo("??binary"))
                .satisfies(f -> assertThat(((UnreadableRegistrationException) f).registrationId()).isNull());
    }

    @Test
    void stoppedServerKeepsTheLastListAndReportsTheFailure() throws Exception {
        registrar.register("127.0.0.11", 8081);
        registrar.register("127.0.0.12", 8082);
        balancerOver(ZookeeperTestServers.source(server).build());

        server.stop();

        await().atMost(WAIT).until(() -> !failures.isEmpty());
        assertThat(failures.get(0)).isInstanceOf(ZookeeperDiscoveryException.class)
                .hasMessage("Connection to ZooKeeper suspended while watching /services/orders; keeping the last 2 instances");
        assertThat(balancedIds()).containsExactly("127.0.0.11:8081", "127.0.0.12:8082");
        assertThat(lb.getInstances()).allSatisfy(s -> assertThat(s.available()).isTrue());
    }

    @Test
    void restartedServerLetsChangesFlowAgain() throws Exception {
        // Written outside ServiceDiscovery, which would register it again at its reconnection.
        registrar.writeRaw("first", Registrar.json("127.0.0.11", 8081));
        balancerOver(ZookeeperTestServers.source(server).build());
        server.stop();
        await().atMost(WAIT).until(() -> !failures.isEmpty());

        server.restart();
        await().atMost(WAIT).until(() -> registrar.client().getZookeeperClient().isConnected());
        registrar.register("127.0.0.12", 8082);
        registrar.deleteRaw("first");

        await().atMost(WAIT).until(() -> balancedIds().equals(List.of("127.0.0.12:8082")));
        assertThat(source.instances()).extracting(ServiceInstance::id).containsExactly("127.0.0.12:8082");
    }

    @Test
    void lostSessionKeepsTheLastListAndChangesFlowInTheNewSession() throws Exception {
        registrar.register("127.0.0.11", 8081);
        balancerOver(ZookeeperTestServers.source(server).build());

        server.stop();

        await().atMost(WAIT).until(() -> failures.stream().anyMatch(f -> f.getMessage().startsWith("ZooKeeper session lost")));
        assertThat(failures).extracting(Throwable::getMessage).contains(
                "ZooKeeper session lost while watching /services/orders; keeping the last 1 instances until reconnected");
        assertThat(balancedIds()).containsExactly("127.0.0.11:8081");
        server.restart();
        await().atMost(WAIT).until(() -> registrar.client().getZookeeperClient().isConnected());
        registrar.register("127.0.0.12", 8082);
        await().atMost(WAIT).until(() -> balancedIds().equals(List.of("127.0.0.11:8081", "127.0.0.12:8082")));
    }

    @Test
    void instanceWhoseSessionExpiresDisappears() throws Exception {
        registrar.register("127.0.0.11", 8081);
        balancerOver(ZookeeperTestServers.source(server).build());
        ZooKeeper crashing = connectRaw();
        crashing.create("/services/orders/crashing", Registrar.json("127.0.0.12", 8082), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                CreateMode.EPHEMERAL);
        await().atMost(WAIT).until(() -> balancedIds().size() == 2);

        // The process is gone without closing its session: ZooKeeper expires it after the session timeout.
        crashing.getTestable().injectSessionExpiration();

        await().atMost(WAIT).until(() -> balancedIds().size() == 1);
        assertThat(balancedIds()).containsExactly("127.0.0.11:8081");
        assertThat(failures).isEmpty();
        crashing.close();
    }

    @Test
    void sourceBuiltWhileZookeeperIsDownFillsInWhenItComesUp() throws Exception {
        registrar.register("127.0.0.11", 8081);
        server.stop();

        balancerOver(ZookeeperTestServers.source(server).initialLoadTimeout(Duration.ofMillis(200)).build());
        assertThat(source.instances()).isEmpty();
        server.restart();

        await().atMost(WAIT).until(() -> balancedIds().equals(List.of("127.0.0.11:8081")));
        assertThat(lb.getInstances()).extracting(InstanceStatus::available).containsExactly(true);
    }

    private ZooKeeper connectRaw() throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(server.getConnectString(), (int) ZookeeperTestServers.SESSION_TIMEOUT.toMillis(),
                event -> {
                    if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                        connected.countDown();
                    }
                });
        assertThat(connected.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        return zk;
    }
}
