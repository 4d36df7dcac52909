package io.github.loadbalancer4j.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.testing.RecordingListener;
import io.github.loadbalancer4j.testing.TcpProxy;
import io.github.loadbalancer4j.testing.ThreadWatch;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EtcdInstanceSourceCloseTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private String endpoint;
    private String prefix;

    @BeforeEach
    void registerOneInstance() {
        endpoint = SharedEtcd.endpointOrSkip();
        prefix = SharedEtcd.uniquePrefix("orders");
        // Closed before the tests take their thread watch: gRPC's shared threads are then the source's alone.
        try (Registrar registrar = new Registrar(endpoint, prefix)) {
            registrar.register("a", "127.0.0.11:8080");
        }
    }

    @AfterEach
    void deregister() {
        if (endpoint == null) {
            return; // skipped: no etcd
        }
        try (Registrar registrar = new Registrar(endpoint, prefix)) {
            registrar.deregisterAll();
        }
    }

    @Test
    void closeEndsTheWatchAndLeavesNoThreadBehind() {
        long watchersBefore = SharedEtcd.watchers(endpoint);
        ThreadWatch threads = ThreadWatch.start();
        EtcdInstanceSource source = EtcdInstanceSource.builder(prefix).endpoints(endpoint).build();
        assertThat(source.instances()).hasSize(1);
        await().atMost(WAIT).until(() -> SharedEtcd.watchers(endpoint) == watchersBefore + 1);
        List<String> whileOpen = threads.startedSince();

        source.close();

        assertThat(whileOpen).anySatisfy(name -> assertThat(name).startsWith("loadbalancer4j-etcd-").endsWith("-" + prefix));
        assertThat(whileOpen).anySatisfy(name -> assertThat(name).startsWith("loadbalancer4j-etcd-client-"));
        assertThat(threads.startedSince("loadbalancer4j-etcd-")).isEmpty();
        assertThat(threads.startedSince("jetcd-")).isEmpty();
        await().atMost(WAIT).until(() -> SharedEtcd.watchers(endpoint) == watchersBefore);
        // gRPC ends its shared threads (event loops, executor, timer) about a second after its last channel closed.
        await().atMost(WAIT).untilAsserted(() -> assertThat(threads.startedSince()).isEmpty());
        assertThat(source.instances()).hasSize(1);
    }

    @Test
    void closeAfterALostWatchAlsoEndsJetcdsOwnRetryThread() throws Exception {
        URI etcd = URI.create(endpoint);
        try (TcpProxy proxy = TcpProxy.start(new InetSocketAddress(etcd.getHost(), etcd.getPort()))) {
            long watchersBefore = SharedEtcd.watchers(endpoint);
            ThreadWatch threads = ThreadWatch.start();
            EtcdInstanceSource source = EtcdInstanceSource.builder(prefix).endpoints("http://127.0.0.1:" + proxy.port()).build();
            RecordingListener listener = new RecordingListener();
            source.subscribe(listener);
            await().atMost(WAIT).until(() -> SharedEtcd.watchers(endpoint) == watchersBefore + 1);
            proxy.cut(); // jetcd answers the lost stream by scheduling a resume on a thread of its own
            await().atMost(WAIT).until(() -> !listener.failures().isEmpty());
            await().atMost(WAIT).until(() -> !threads.startedSince("jetcd-watch-").isEmpty());

            source.close();

            assertThat(threads.startedSince("jetcd-")).isEmpty();
            assertThat(threads.startedSince("loadbalancer4j-etcd-")).isEmpty();
        }
    }

    @Test
    void closeLeavesAGivenClientOpenAndCancelsTheWatchOnIt() {
        try (Registrar owner = new Registrar(endpoint, prefix)) {
            long watchersBefore = SharedEtcd.watchers(endpoint);
            EtcdInstanceSource source = EtcdInstanceSource.builder(prefix).client(owner.client()).build();
            await().atMost(WAIT).until(() -> SharedEtcd.watchers(endpoint) == watchersBefore + 1);
            ThreadWatch threads = ThreadWatch.start();

            source.close();

            await().atMost(WAIT).until(() -> SharedEtcd.watchers(endpoint) == watchersBefore);
            owner.register("b", "127.0.0.12:8080"); // the client still works
            assertThat(owner.revision()).isPositive();
            assertThat(source.instances()).extracting(ServiceInstance::id).containsExactly("127.0.0.11:8080");
            assertThat(threads.startedSince("loadbalancer4j-etcd-")).isEmpty();
        }
    }

    @Test
    void closingTwiceDoesNothing() {
        EtcdInstanceSource source = EtcdInstanceSource.builder(prefix).endpoints(endpoint).build();
        source.close();

        source.close();

        assertThat(source.instances()).hasSize(1);
    }
}
