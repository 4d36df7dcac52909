package io.github.loadbalancer4j.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.loadbalancer4j.testing.RecordingListener;
import io.github.loadbalancer4j.testing.ThreadWatch;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What close() leaves behind. A source that built its client ends the client's threads too, the JDK
 * HttpClient's selector included, before close() returns. (fabric8's one scheduler thread per JVM,
 * shared by every client, is not the source's: it stops itself after 10 s without work.)
 */
class KubernetesInstanceSourceCloseTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    /** Threads of a client: ours, and the JDK HttpClient's selector. */
    private static final Pattern CLIENT_THREAD = Pattern.compile("loadbalancer4j-kubernetes-.*|HttpClient-\\d+-SelectorManager");
    /** Threads of fabric8's default executors, which a client the source builds must not use. */
    private static final Pattern FABRIC8_DEFAULT_THREAD = Pattern.compile("-?\\d+-pool-\\d+-thread-\\d+|JdkHttpClientFactory-.*");

    private static MockApiServer api;

    @BeforeAll
    static void startApiServer() {
        api = MockApiServer.start();
        api.put(TestSlice.of("shop", "orders-a").port("http", 8080).ready("10.0.0.1").build());
    }

    @AfterAll
    static void stopApiServer() {
        api.close();
    }

    @Test
    void closeEndsTheSourcesThreadsAndThoseOfTheClientItBuilt() {
        ThreadWatch threads = ThreadWatch.start();
        KubernetesInstanceSource source = KubernetesInstanceSource.builder("orders").config(api.config()).namespace("shop").build();
        assertThat(source.instances()).hasSize(1);
        await().atMost(WAIT).until(source::isWatching);
        List<String> whileOpen = threads.startedSince();

        source.close();
        List<String> afterClose = threads.startedSince();

        assertThat(whileOpen).anySatisfy(n -> assertThat(n).matches("loadbalancer4j-kubernetes-orders-\\d+"))
                .anySatisfy(n -> assertThat(n).matches("loadbalancer4j-kubernetes-orders-\\d+-client-\\d+"))
                .anySatisfy(n -> assertThat(n).matches("loadbalancer4j-kubernetes-orders-\\d+-http-\\d+"))
                .noneSatisfy(n -> assertThat(n).matches(FABRIC8_DEFAULT_THREAD));
        assertThat(whileOpen).anySatisfy(n -> assertThat(n).matches("HttpClient-\\d+-SelectorManager"));
        assertThat(afterClose).noneSatisfy(n -> assertThat(n).matches(CLIENT_THREAD));
        assertThat(source.instances()).hasSize(1);
    }

    @Test
    void ownClientFromTheDefaultConfigurationIsBuiltAndClosed() {
        Map<String, String> properties = Map.of(
                Config.KUBERNETES_MASTER_SYSTEM_PROPERTY, api.config().getMasterUrl(),
                Config.KUBERNETES_NAMESPACE_SYSTEM_PROPERTY, "shop",
                Config.KUBERNETES_AUTH_TRYKUBECONFIG_SYSTEM_PROPERTY, "false",
                Config.KUBERNETES_AUTH_TRYSERVICEACCOUNT_SYSTEM_PROPERTY, "false");
        properties.forEach(System::setProperty);
        ThreadWatch threads = ThreadWatch.start();
        KubernetesInstanceSource source;
        try {
            source = KubernetesInstanceSource.builder("orders").build();
        } finally {
            properties.keySet().forEach(System::clearProperty);
        }

        source.close();

        assertThat(source.namespace()).isEqualTo("shop");
        assertThat(source.instances()).extracting(i -> i.id()).containsExactly("10.0.0.1:8080");
        assertThat(threads.startedSince()).noneSatisfy(n -> assertThat(n).matches(CLIENT_THREAD));
    }

    @Test
    void closeLeavesTheGivenClientOpenAndStartsNoThreadOnIt() {
        try (KubernetesClient client = api.newClient()) {
            client.discovery().v1().endpointSlices().inNamespace("shop").list(); // the client's own threads start here
            ThreadWatch threads = ThreadWatch.start();
            KubernetesInstanceSource source = KubernetesInstanceSource.builder("orders").client(client).namespace("shop").build();
            await().atMost(WAIT).until(source::isWatching);
            List<String> whileOpen = threads.startedSince();

            source.close();

            assertThat(whileOpen).anySatisfy(n -> assertThat(n).matches("loadbalancer4j-kubernetes-orders-\\d+"));
            assertThat(source.isWatching()).isFalse();
            assertThat(threads.startedSince("loadbalancer4j-kubernetes-")).isEmpty();
            List<EndpointSlice> stillServed = client.discovery().v1().endpointSlices().inNamespace("shop").list().getItems();
            assertThat(stillServed).extracting(s -> s.getMetadata().getName()).containsExactly("orders-a");
        }
    }

    @Test
    void givenClientClosedUnderTheSourceIsReportedAndTheListKept() {
        KubernetesClient client = api.newClient();
        try (KubernetesInstanceSource source = KubernetesInstanceSource.builder("orders").client(client).namespace("shop")
                .watchLossGrace(Duration.ofMillis(200)).build()) {
            RecordingListener listener = new RecordingListener();
            source.subscribe(listener);
            await().atMost(WAIT).until(source::isWatching);

            client.close();

            // The client ends the watch before it stops the informer: a short grace may report the watch lost first.
            await().atMost(WAIT).until(() -> listener.failures().stream().anyMatch(f -> f.getMessage().startsWith("Stopped")));
            assertThat(listener.failures()).last(InstanceOfAssertFactories.THROWABLE)
                    .isExactlyInstanceOf(KubernetesDiscoveryException.class)
                    .hasMessage("Stopped watching the EndpointSlices of Service shop/orders: the KubernetesClient given to the"
                            + " source was closed; keeping the last 1 instances for good");
            assertThat(source.instances()).hasSize(1);
        }
    }

    @Test
    void closingTwiceDoesNothing() {
        KubernetesInstanceSource source = KubernetesInstanceSource.builder("orders").config(api.config()).namespace("shop").build();
        source.close();

        source.close();

        assertThat(source.instances()).hasSize(1);
        assertThat(source.isWatching()).isFalse();
    }
}
