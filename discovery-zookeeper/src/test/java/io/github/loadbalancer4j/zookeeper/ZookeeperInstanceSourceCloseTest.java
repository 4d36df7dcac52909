package io.github.loadbalancer4j.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.curator.framework.listen.ListenerManager;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ZookeeperInstanceSourceCloseTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private TestingServer server;
    private Registrar registrar;

    @BeforeEach
    void startZookeeper() throws Exception {
        server = ZookeeperTestServers.start();
        registrar = new Registrar(server);
        registrar.register("127.0.0.11", 8081);
    }

    @AfterEach
    void stopZookeeper() throws Exception {
        registrar.close();
        server.close();
    }

    @Test
    void closeLeavesNoThreadBehind() {
        Set<Thread> before = liveThreads();
        ZookeeperInstanceSource source = ZookeeperTestServers.source(server).build();
        assertThat(source.instances()).hasSize(1);
        List<String> whileOpen = namesOf(threadsStartedSince(before));

        source.close();

        assertThat(whileOpen).anySatisfy(name -> assertThat(name).startsWith("loadbalancer4j-zookeeper-orders-"));
        assertThat(whileOpen).anySatisfy(name -> assertThat(name).contains("SendThread"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(namesOf(threadsStartedSince(before))).isEmpty());
        assertThat(source.instances()).hasSize(1);
    }

    @Test
    void closeLeavesTheGivenClientOpenWithoutWatchOrListener() throws Exception {
        CuratorFramework client = ZookeeperTestServers.client(server);
        try {
            int listenersBefore = connectionListeners(client);
            ZookeeperInstanceSource source = ZookeeperInstanceSource.builder("orders").client(client).build();
            assertThat(source.instances()).hasSize(1);
            List<String> watchesWhileOpen = watches(client);
            int listenersWhileOpen = connectionListeners(client);
            Set<Thread> before = liveThreads();

            source.close();

            assertThat(watchesWhileOpen).contains("/services/orders");
            assertThat(listenersWhileOpen).isGreaterThan(listenersBefore);
            await().atMost(WAIT).untilAsserted(() -> assertThat(watches(client)).isEmpty());
            assertThat(connectionListeners(client)).isEqualTo(listenersBefore);
            assertThat(client.getState()).isEqualTo(CuratorFrameworkState.STARTED);
            assertThat(client.checkExists().forPath("/services/orders")).isNotNull();
            assertThat(namesOf(threadsStartedSince(before))).isEmpty();
            assertThat(liveThreads()).extracting(Thread::getName)
                    .noneSatisfy(name -> assertThat(name).startsWith("loadbalancer4j-zookeeper-"));
        } finally {
            client.close();
        }
    }

    @Test
    void closingTwiceDoesNothing() {
        ZookeeperInstanceSource source = ZookeeperTestServers.source(server).build();
        source.close();

        source.close();

        assertThat(source.instances()).hasSize(1);
    }

    /**
     * Every watch the client's ZooKeeper handle holds, of any kind (ZooKeeper lists them for tests
     * only), except the client's own on ZooKeeper's configuration (Curator's ensemble tracker).
     */
    private static List<String> watches(CuratorFramework client) throws Exception {
        ZooKeeper zk = client.getZookeeperClient().getZooKeeper();
        List<String> all = new ArrayList<>();
        for (String getter : List.of("getDataWatches", "getExistWatches", "getChildWatches", "getPersistentWatches",
                "getPersistentRecursiveWatches")) {
            Method m = ZooKeeper.class.getDeclaredMethod(getter);
            m.setAccessible(true);
            @SuppressWarnings("unchecked")
            List<String> paths = (List<String>) m.invoke(zk);
            all.addAll(paths);
        }
        all.removeIf(path -> path.startsWith("/zookeeper/"));
        return all;
    }

    private static int connectionListeners(CuratorFramework client) {
        return ((ListenerManager<?, ?>) client.getConnectionStateListenable()).size();
    }

    private static Set<Thread> liveThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).collect(Collectors.toSet());
    }

    private static List<Thread> threadsStartedSince(Set<Thread> before) {
        return liveThreads().stream()
                .filter(t -> !before.contains(t))
                .filter(t -> !t.getName().startsWith("awaitility")) // the test's own poller
                .toList();
    }

    private static List<String> namesOf(List<Thread> threads) {
        return threads.stream().map(Thread::getName).sorted().toList();
    }
}
