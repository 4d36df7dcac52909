package io.github.loadbalancer4j.okhttp;

import static io.github.loadbalancer4j.okhttp.Clients.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.LoadBalancerRegistry;
import io.github.loadbalancer4j.MutableInstanceSource;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.testing.LoopbackBackends;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * When an instance leaves the list, its idle pooled connections are closed at once, seen from the
 * server (MockWebServer closes its side when the client closes), while the remaining instances keep
 * and reuse theirs. Round robin.
 */
class ConnectionEvictionTest {

    private static final Duration BOUND = Duration.ofSeconds(2);

    private LoopbackBackends backends;
    private List<ServiceInstance> instances;
    private MutableInstanceSource source;
    private LoadBalancer orders;

    @BeforeEach
    void start() throws IOException {
        backends = LoopbackBackends.http();
        instances = backends.instances();
        source = InstanceSource.mutable(instances.toArray(new ServiceInstance[0]));
        orders = LoadBalancer.of("orders", source,
                LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).build());
    }

    @AfterEach
    void stop() {
        orders.close();
        backends.close();
    }

    private static OkHttpClient client(LoadBalancingInterceptor.Builder interceptor) {
        return new OkHttpClient.Builder().addInterceptor(interceptor.build()).build();
    }

    private static void call(OkHttpClient client, int times) throws IOException {
        for (int i = 0; i < times; i++) {
            assertThat(get(client, "http://orders/items")).startsWith("200 ");
        }
    }

    @Test
    void removedInstancesIdleConnectionIsClosedAndTheOthersKeepTheirs() throws IOException {
        OkHttpClient client = client(LoadBalancingInterceptor.builder().route("orders", orders));
        call(client, 6);
        assertThat(backends.all()).allSatisfy(b -> assertThat(b.openConnections()).isEqualTo(1));

        source.update(instances.get(1), instances.get(2));

        await().atMost(BOUND).until(() -> backends.get(0).openConnections() == 0);
        call(client, 6);
        for (LoopbackBackends.Backend kept : backends.all().subList(1, 3)) {
            assertThat(kept.log()).hasSize(5);
            assertThat(kept.connections()).as("connections to %s", kept.address()).isEqualTo(1); // reused, not reopened
            assertThat(kept.openConnections()).isEqualTo(1);
        }
        assertThat(backends.get(0).log()).hasSize(2);
        Clients.shutdown(client);
    }

    @Test
    void aConnectionInUseWhenItsInstanceIsRemovedFinishesItsCall() throws Exception {
        source.update(instances.get(0));
        OkHttpClient client = client(LoadBalancingInterceptor.builder().route("orders", orders));
        backends.get(0).behaviour(r -> new MockResponse.Builder().headersDelay(300, TimeUnit.MILLISECONDS).body("slow").build());
        CompletableFuture<String> slow = CompletableFuture.supplyAsync(() -> {
            try {
                return get(client, "http://orders/items");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(BOUND).until(() -> backends.get(0).log().size() == 1);

        source.update(instances.get(1), instances.get(2));

        assertThat(slow.get(5, TimeUnit.SECONDS)).isEqualTo("200 slow");
        Clients.shutdown(client);
    }

    @Test
    void instancesOfALoadBalancerFoundInARegistryAreEvictedToo() throws IOException {
        LoadBalancerRegistry registry = LoadBalancerRegistry.ofDefaults();
        LoadBalancer registered = registry.loadBalancer("orders", source,
                LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).build());
        OkHttpClient client = client(LoadBalancingInterceptor.builder().registry(registry));
        call(client, 6);
        assertThat(backends.get(2).openConnections()).isEqualTo(1);

        source.update(instances.get(0), instances.get(1));

        await().atMost(BOUND).until(() -> backends.get(2).openConnections() == 0);
        assertThat(backends.get(0).openConnections()).isEqualTo(1);
        Clients.shutdown(client);
        registered.close();
    }

    @Test
    void withTheClientsPoolTheRemovedInstancesConnectionStaysOpen() throws IOException {
        OkHttpClient client = client(LoadBalancingInterceptor.builder().route("orders", orders).clientConnectionPool());
        call(client, 6);

        source.update(instances.get(1), instances.get(2));

        await().during(Duration.ofMillis(500)).atMost(BOUND).until(() -> backends.get(0).openConnections() == 1);
        assertThat(client.connectionPool().connectionCount()).isEqualTo(3);
        Clients.shutdown(client);
    }
}
