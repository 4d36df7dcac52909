package io.github.loadbalancer4j.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.NoAvailableInstanceException;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.testing.RecordingListener;
import io.github.loadbalancer4j.testing.TcpProxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Against an etcd of the test's own, which it stops and starts, and a proxy between the source and
 * etcd, which it cuts to keep the source away from an etcd that is up and taking changes.
 */
class EtcdInstanceSourceFaultTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private EtcdServer etcd;
    private TcpProxy proxy;
    private String prefix;
    private Registrar registrar;
    private EtcdInstanceSource source;
    private LoadBalancer lb;
    private final RecordingListener listener = new RecordingListener();
    private final MappedKeys mapped = new MappedKeys();
    private final List<Throwable> discoveryFailed = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startEtcd() throws Exception {
        etcd = EtcdServer.startOrSkip();
        proxy = TcpProxy.start(etcd.clientAddress());
        prefix = SharedEtcd.uniquePrefix("orders");
        registrar = new Registrar(etcd.endpoint(), prefix);
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
        proxy.close();
        etcd.close();
    }

    /** A source that reaches etcd through the proxy only, with short timeouts and retries. */
    private EtcdInstanceSource.Builder throughProxy() {
        return EtcdInstanceSource.builder(prefix)
                .endpoints("http://127.0.0.1:" + proxy.port())
                .mapper(mapped)
                .requestTimeout(Duration.ofMillis(500))
                .retryDelay(Duration.ofMillis(100), Duration.ofSeconds(1));
    }

    private void follow(EtcdInstanceSource.Builder builder) {
        source = builder.build();
        source.subscribe(listener);
        lb = LoadBalancer.of("orders", source);
        lb.getEventPublisher().onDiscoveryFailed(event -> discoveryFailed.add(event.getCause()));
    }

    /** Waits until etcd serves the source's watch: the faults then hit a running watch. */
    private void awaitWatchRunning() {
        await().atMost(WAIT).until(() -> SharedEtcd.watchers(etcd.endpoint()) == 1);
    }

    @Test
    void stoppedEtcdKeepsTheListAndChangesMadeMeanwhileArriveOnceItIsBack() throws Exception {
        registrar.register("a", "127.0.0.11:8080");
        registrar.register("b", "127.0.0.12:8080");
        follow(throughProxy());
        awaitWatchRunning();

        etcd.stop();
        await().atMost(WAIT).until(() -> !discoveryFailed.isEmpty());
        List<String> duringOutage = ids(lb);
        proxy.cut(); // etcd comes back, but the source cannot see it yet
        etcd.start();
        mapped.keys.clear();
        registrar.deregister("a");
        registrar.register("c", "127.0.0.13:8080");
        List<String> whileCut = ids(lb);
        proxy.restore();

        await().atMost(WAIT).until(() -> ids(lb).equals(List.of("127.0.0.12:8080", "127.0.0.13:8080")));
        assertThat(duringOutage).containsExactly("127.0.0.11:8080", "127.0.0.12:8080");
        assertThat(whileCut).containsExactly("127.0.0.11:8080", "127.0.0.12:8080");
        assertThat(discoveryFailed.get(0)).isInstanceOf(EtcdDiscoveryException.class)
                .hasMessageStartingWith("Lost the watch on prefix '" + prefix + "' at revision ")
                .hasMessageEndingWith("; keeping the last 2 instances");
        // Resumed from the revision after the last change seen: only the change made meanwhile was
        // read; nothing was replayed, and the prefix was not read again.
        assertThat(mapped.keys).containsExactly(registrar.key("c"));
        assertThat(source.instances()).extracting(ServiceInstance::id).containsExactly("127.0.0.12:8080", "127.0.0.13:8080");
    }

    @Test
    void compactionPastTheWatchedRevisionMakesAFullRead() {
        registrar.register("a", "127.0.0.11:8080");
        follow(throughProxy());
        awaitWatchRunning();

        proxy.cut();
        await().atMost(WAIT).until(() -> !listener.failures().isEmpty());
        registrar.deregister("a");
        registrar.register("b", "127.0.0.12:8080");
        registrar.register("c", "127.0.0.13:8080");
        registrar.deregister("c");
        registrar.register("d", "127.0.0.13:9090");
        registrar.compactAll(); // the changes after the source's revision are gone from etcd's history
        mapped.keys.clear();
        proxy.restore();

        await().atMost(WAIT).until(() -> listener.lastIds().equals(List.of("127.0.0.12:8080", "127.0.0.13:9090")));
        // A full read maps the keys there are; replayed changes would have mapped c as well.
        assertThat(mapped.keys).containsExactlyInAnyOrder(registrar.key("b"), registrar.key("d"));
        assertThat(listener.lists()).noneSatisfy(list -> assertThat(list).extracting(ServiceInstance::id).contains("127.0.0.13:8080"));
    }

    @Test
    void lostWatchRepublishesTheUnchangedListWhenItRunsAgain() {
        registrar.register("a", "127.0.0.11:8080");
        follow(throughProxy());
        awaitWatchRunning();

        proxy.cut();
        await().atMost(WAIT).until(() -> !listener.failures().isEmpty());
        proxy.restore();

        await().atMost(WAIT).until(() -> listener.lists().size() == 2);
        assertThat(listener.lists()).allSatisfy(list -> assertThat(list).extracting(ServiceInstance::id).containsExactly("127.0.0.11:8080"));
        assertThat(listener.failures()).allSatisfy(f -> assertThat(f).isInstanceOf(EtcdDiscoveryException.class));
        assertThat(lb.getInstances()).extracting(s -> s.instance().id()).containsExactly("127.0.0.11:8080");
    }

    @Test
    void sourceBuiltWhileEtcdIsUnreachableFillsInWhenItIsReachable() {
        registrar.register("a", "127.0.0.11:8080");
        proxy.cut();

        follow(throughProxy().initialLoadTimeout(Duration.ZERO));
        await().atMost(WAIT).until(() -> !discoveryFailed.isEmpty());
        Throwable noInstance = null;
        try {
            lb.acquire().release();
        } catch (NoAvailableInstanceException e) {
            noInstance = e;
        }
        proxy.restore();

        await().atMost(WAIT).until(() -> ids(lb).equals(List.of("127.0.0.11:8080")));
        assertThat(noInstance).isInstanceOf(NoAvailableInstanceException.class)
                .hasCauseInstanceOf(EtcdDiscoveryException.class);
        assertThat(discoveryFailed.get(0)).hasMessage("etcd did not answer within PT0.5S reading the keys under prefix '"
                + prefix + "'; still waiting; keeping the last 0 instances");
        assertThat(lb.getInstances()).allSatisfy(status -> assertThat(status.available()).isTrue());
    }

    private static List<String> ids(LoadBalancer lb) {
        return lb.getInstances().stream().map(s -> s.instance().id()).sorted().toList();
    }

    /** The standard mapper, remembering the keys it was asked to map. */
    private static final class MappedKeys implements EtcdInstanceMapper {
        final List<String> keys = new CopyOnWriteArrayList<>();

        @Override
        public @Nullable ServiceInstance map(String key, String value) {
            keys.add(key);
            return EtcdInstanceMapper.standard().map(key, value);
        }
    }
}
