package io.github.loadbalancer4j.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.loadbalancer4j.Lease;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.NoAvailableInstanceException;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.testing.RecordingListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The source against fabric8's mock API server in CRUD mode; each test in a namespace of its own. */
class KubernetesInstanceSourceTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final AtomicInteger NAMESPACES = new AtomicInteger();

    private static MockApiServer api;
    private static KubernetesClient client;

    private String ns;
    private KubernetesInstanceSource source;
    private LoadBalancer lb;
    private final RecordingListener listener = new RecordingListener();
    private final List<Throwable> lbFailures = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startApiServer() {
        api = MockApiServer.start();
        client = api.newClient();
    }

    @AfterAll
    static void stopApiServer() {
        client.close();
        api.close();
    }

    @BeforeEach
    void pickNamespace() {
        ns = "t" + NAMESPACES.incrementAndGet();
    }

    @AfterEach
    void closeSource() {
        if (lb != null) {
            lb.close();
        }
        if (source != null) {
            source.close();
        }
    }

    private KubernetesInstanceSource.Builder orders() {
        return KubernetesInstanceSource.builder("orders").client(client).namespace(ns);
    }

    /**
     * Builds the source, waits until its watch is open (the mock API server sends a watch only the
     * changes made after it opened, where a real one replays those since the list), then balances over it.
     */
    private KubernetesInstanceSource open(KubernetesInstanceSource.Builder builder) {
        source = builder.build();
        await().atMost(WAIT).until(source::isWatching);
        source.subscribe(listener);
        lb = LoadBalancer.of("orders", source);
        lb.getEventPublisher().onDiscoveryFailed(event -> lbFailures.add(event.getCause()));
        return source;
    }

    private List<String> ids() {
        return source.instances().stream().map(ServiceInstance::id).toList();
    }

    @Test
    void slicesAddedUpdatedAndRemovedReachTheLoadBalancer() {
        api.put(TestSlice.of(ns, "orders-a").port("http", 8080).ready("10.0.0.1").build());
        open(orders());
        assertThat(ids()).containsExactly("10.0.0.1:8080");

        api.put(TestSlice.of(ns, "orders-b").port("http", 8080).ready("10.0.0.2").build());
        await().atMost(WAIT).until(() -> ids().size() == 2);
        api.put(TestSlice.of(ns, "orders-a").port("http", 8080).ready("10.0.0.1").ready("10.0.0.3").build());
        await().atMost(WAIT).until(() -> ids().size() == 3);
        api.delete(ns, "orders-b");

        await().atMost(WAIT).until(() -> ids().size() == 2);
        assertThat(ids()).containsExactly("10.0.0.1:8080", "10.0.0.3:8080");
        assertThat(lb.getInstances()).extracting(s -> s.instance().id()).containsExactly("10.0.0.1:8080", "10.0.0.3:8080");
        assertThat(listener.lists()).extracting(l -> l.size()).containsExactly(1, 2, 3, 2);
        assertThat(listener.failures()).isEmpty();
    }

    @Test
    void everySliceOfTheServiceIsMergedAndOtherServicesAreLeftOut() {
        api.put(TestSlice.of(ns, "orders-a").port("http", 8080).ready("10.0.0.1").ready("10.0.0.2").build());
        api.put(TestSlice.of(ns, "orders-b").port("http", 8080).ready("10.0.0.3").build());
        api.put(TestSlice.of(ns, "orders-c").port("http", 8080).ready("10.0.0.4").build());
        api.put(TestSlice.of(ns, "payments-a").service("payments").port("http", 8080).ready("10.0.0.9").build());

        open(orders());

        assertThat(ids()).containsExactly("10.0.0.1:8080", "10.0.0.2:8080", "10.0.0.3:8080", "10.0.0.4:8080");
        assertThat(listener.lists()).hasSize(1);
    }

    @Test
    void anEndpointInTwoSlicesCountsOnceAndIsNotReportedAsADuplicate() {
        // The EndpointSlice controller may list an endpoint in two slices while it moves it.
        api.put(TestSlice.of(ns, "orders-a").port("http", 8080).ready("10.0.0.1").ready("10.0.0.2").build());
        api.put(TestSlice.of(ns, "orders-b").port("http", 8080).ready("10.0.0.2").build());

        open(orders());

        assertThat(ids()).containsExactly("10.0.0.1:8080", "10.0.0.2:8080");
        assertThat(listener.duplicates()).isEmpty();
        assertThat(listener.failures()).isEmpty();
    }

    @Test
    void notReadyAndTerminatingEndpointsAreLeftOut() {
        api.put(TestSlice.of(ns, "orders-a").port("http", 8080)
                .ready("10.0.0.1").notReady("10.0.0.2").servingTerminating("10.0.0.3").build());
        open(orders());
        assertThat(ids()).containsExactly("10.0.0.1:8080");

        api.put(TestSlice.of(ns, "orders-a").port("http", 8080)
                .notReady("10.0.0.1").ready("10.0.0.2").servingTerminating("10.0.0.3").build());

        await().atMost(WAIT).until(() -> ids().equals(List.of("10.0.0.2:8080")));
        assertThat(listener.failures()).isEmpty();
    }

    @Test
    void servingTerminatingEndpointsAreTakenWhenAsked() {
        api.put(TestSlice.of(ns, "orders-a").port("http", 8080)
                .ready("10.0.0.1").notReady("10.0.0.2").servingTerminating("10.0.0.3").build());

        open(orders().includeServingTerminating(true));

        assertThat(ids()).containsExactly("10.0.0.1:8080", "10.0.0.3:8080");
    }

    @Test
    void endpointZoneBecomesTheInstanceZoneAndPodAndNodeItsMetadata() {
        api.put(TestSlice.of(ns, "orders-a").port("http", 8080).ready("10.0.0.1", "eu-west-1a").build());

        open(orders());

        ServiceInstance instance = source.instances().get(0);
        assertThat(instance.zone()).isEqualTo("eu-west-1a");
        assertThat(instance.metadata()).containsOnly(
                Map.entry(KubernetesInstanceSource.POD_NAME_METADATA_KEY, "pod-10-0-0-1"),
                Map.entry(KubernetesInstanceSource.NODE_NAME_METADATA_KEY, "node-eu-west-1a"));
        assertThat(instance.secure()).isFalse();
        assertThat(instance.weight()).isEqualTo(1);
    }

    @Test
    void zonePreferringKeepsCallsInTheCallersZoneUntilItHasNoReadyEndpoint() {
        api.put(TestSlice.of(ns, "orders-a").port("http", 8080).ready("10.0.0.1", "z1").ready("10.0.0.2", "z2").build());
        api.put(TestSlice.of(ns, "orders-b").port("http", 8080).ready("10.0.0.3", "z1").ready("10.0.0.4", "z2").build());
        source = orders().build();
        await().atMost(WAIT).until(source::isWatching);
        lb = LoadBalancer.of("orders", source, LoadBalancerConfig.custom()
                .selectionStrategy(SelectionStrategy.zonePreferring("z1", SelectionStrategy.roundRobin())).build());

        List<String> inZone = picks(100);
        api.put(TestSlice.of(ns, "orders-a").port("http", 8080).notReady("10.0.0.1").ready("10.0.0.2", "z2").build());
        api.put(TestSlice.of(ns, "orders-b").port("http", 8080).notReady("10.0.0.3").ready("10.0.0.4", "z2").build());
        await().atMost(WAIT).until(() -> ids().equals(List.of("10.0.0.2:8080", "10.0.0.4:8080")));
        List<String> fallenBack = picks(100);

        assertThat(inZone).containsOnly("10.0.0.1", "10.0.0.3").contains("10.0.0.1", "10.0.0.3");
        assertThat(fallenBack).containsOnly("10.0.0.2", "10.0.0.4").contains("10.0.0.2", "10.0.0.4");
    }

    private List<String> picks(int n) {
        List<String> hosts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Lease lease = lb.acquire();
            hosts.add(lease.instance().host());
            lease.onSuccess();
        }
        return hosts;
    }

    @Test
    void aZoneChangeIsPublishedThoughTheIdsStayTheSame() {
        api.put(TestSlice.of(ns, "orders-a").port("http", 8080).ready("10.0.0.1", "z1").build());
        open(orders());

        api.put(TestSlice.of(ns, "orders-a").port("http", 8080).ready("10.0.0.1", "z2").build());

        await().atMost(WAIT).until(() -> "z2".equals(source.instances().get(0).zone()));
        assertThat(listener.lists()).hasSize(2);
    }

    @Test
    void namedPortIsTakenFromEachSlice() {
        api.put(TestSlice.of(ns, "orders-a").port("http", 8080).port("metrics", 9090).ready("10.0.0.1").build());
        api.put(TestSlice.of(ns, "orders-b").port("metrics", 9091).port("http", 8081).ready("10.0.0.2").build());

        open(orders().port("metrics"));

        assertThat(ids()).containsExactly("10.0.0.1:9090", "10.0.0.2:9091");
    }

    @Test
    void numberedPortIsTakenFromEachSliceThatListsIt() {
        api.put(TestSlice.of(ns, "orders-a").port("http", 8080).port("metrics", 9090).ready("10.0.0.1").build());
        api.put(TestSlice.of(ns, "orders-b").port("http", 8081).ready("10.0.0.2").build());

        open(orders().port(9090));

        assertThat(ids()).containsExactly("10.0.0.1:9090");
        assertThat(listener.failures()).isEmpty();
    }

    @Test
    void sliceWithoutTheNamedPortGivesNoInstanceAndNoReport() {
        // Pods of two versions: only the new one serves "admin"; the controller puts them in two slices.
        api.put(TestSlice.of(ns, "orders-new").port("http", 8080).port("admin", 8443).ready("10.0.0.1").build());
        api.put(TestSlice.of(ns, "orders-old").port("http", 8080).ready("10.0.0.2").build());

        open(orders().port("admin"));

        assertThat(ids()).containsExactly("10.0.0.1:8443");
        assertThat(listener.failures()).isEmpty();
    }

    @Test
    void portThatNoSliceHasIsReportedAndTheListIsEmpty() {
        api.put(TestSlice.of(ns, "orders-a").port("http", 8080).port("metrics", 9090).ready("10.0.0.1").build());
        api.put(TestSlice.of(ns, "orders-b").port("http", 8080).ready("10.0.0.2").build());

        open(orders().port("htp"));

        assertThat(source.instances()).isEmpty();
        assertThat(listener.failures()).singleElement(InstanceOfAssertFactories.THROWABLE)
                .isExactlyInstanceOf(KubernetesDiscoveryException.class)
                .hasMessage("Port 'htp' is in none of the 2 EndpointSlices with endpoints of Service " + ns + "/orders"
                        + " (their TCP ports: [http:8080, metrics:9090]); its list is empty until a slice has it");
        assertThatThrownBy(lb::acquire).isInstanceOf(NoAvailableInstanceException.class)
                .hasMessageContaining("Port 'htp' is in none of the 2 EndpointSlices");
    }

    @Test
    void sliceWithSeveralPortsAndNoneChosenIsSkippedAndReported() {
        api.put(TestSlice.of(ns, "orders-a").port("http", 8080).port("metrics", 9090).ready("10.0.0.1").build());
        api.put(TestSlice.of(ns, "orders-b").port("http", 8080).ready("10.0.0.2").build());

        open(orders());

        assertThat(ids()).containsExactly("10.0.0.2:8080");
        assertThat(listener.failures()).singleElement().isInstanceOfSatisfying(UnusableEndpointSliceException.class, e -> {
            assertThat(e.sliceName()).isEqualTo("orders-a");
            assertThat(e.address()).isNull();
            assertThat(e).hasMessage("Skipped EndpointSlice 'orders-a' of Service " + ns + "/orders: ports: [http:8080,"
                    + " metrics:9090] (expected: one TCP port, or choose one with port(name) or port(number))");
        });
    }

    @Test
    void unusableAddressIsSkippedAndReportedOnceAndTheOthersApplied() {
        api.put(TestSlice.of(ns, "orders-a").port("http", 8080).ready("10.0.0.1").ready("bad/host").build());
        open(orders());

        api.put(TestSlice.of(ns, "orders-b").port("http", 8080).ready("10.0.0.2").build());

        await().atMost(WAIT).until(() -> ids().size() == 2);
        assertThat(ids()).containsExactly("10.0.0.1:8080", "10.0.0.2:8080");
        assertThat(listener.failures()).singleElement().isInstanceOfSatisfying(UnusableEndpointSliceException.class, e -> {
            assertThat(e.sliceName()).isEqualTo("orders-a");
            assertThat(e.address()).isEqualTo("bad/host");
            assertThat(e).hasMessageStartingWith("Skipped address 'bad/host' of EndpointSlice 'orders-a' of Service "
                    + ns + "/orders: host: 'bad/host' (expected: ");
        });
    }

    @Test
    void serviceWithoutSlicesGetsAnEmptyListAndAReport() {
        open(orders());

        assertThat(source.instances()).isEmpty();
        assertThat(listener.lists()).containsExactly(List.of());
        assertThat(listener.failures()).singleElement().isInstanceOfSatisfying(NoEndpointSlicesException.class, e -> {
            assertThat(e.namespace()).isEqualTo(ns);
            assertThat(e.serviceName()).isEqualTo("orders");
            assertThat(e).hasMessage("Service " + ns + "/orders has no EndpointSlices (label kubernetes.io/service-name=orders):"
                    + " the Service does not exist, has no selector and no slices of its own, or is not populated yet;"
                    + " its list is empty until it has some");
        });
        assertThatThrownBy(lb::acquire).isInstanceOf(NoAvailableInstanceException.class)
                .hasMessage("LoadBalancer 'orders' has no available instance (0 known: discovery failed: Service " + ns
                        + "/orders has no EndpointSlices (label kubernetes.io/service-name=orders): the Service does not"
                        + " exist, has no selector and no slices of its own, or is not populated yet; its list is empty"
                        + " until it has some)")
                .hasCauseInstanceOf(NoEndpointSlicesException.class);
    }

    @Test
    void serviceWhoseLastSliceIsDeletedGetsAnEmptyListAndAReportThenFillsInAgain() {
        api.put(TestSlice.of(ns, "orders-a").port("http", 8080).ready("10.0.0.1").build());
        open(orders());

        api.delete(ns, "orders-a");
        await().atMost(WAIT).until(() -> source.instances().isEmpty());
        api.put(TestSlice.of(ns, "orders-b").port("http", 8080).ready("10.0.0.2").build());

        await().atMost(WAIT).until(() -> ids().equals(List.of("10.0.0.2:8080")));
        assertThat(listener.heard()).containsExactly(
                "instances [10.0.0.1:8080]",
                "instances []",
                "failure " + new NoEndpointSlicesException(ns, "orders").getMessage(),
                "instances [10.0.0.2:8080]");
        assertThat(lbFailures).singleElement().isInstanceOf(NoEndpointSlicesException.class);
    }

    @Test
    void serviceScaledToZeroGetsAnEmptyListWithoutAReport() {
        // The controller keeps one slice without endpoints for a Service whose selector matches no pod.
        api.put(TestSlice.of(ns, "orders-a").build());

        open(orders());

        assertThat(source.instances()).isEmpty();
        assertThat(listener.lists()).containsExactly(List.of());
        assertThat(listener.failures()).isEmpty();
    }

    @Test
    void listenerSubscribingLaterLearnsWhatIsWrongNow() {
        source = orders().build();
        RecordingListener late = new RecordingListener();

        source.subscribe(late);

        assertThat(late.lists()).containsExactly(List.of());
        assertThat(late.failures()).singleElement().isInstanceOf(NoEndpointSlicesException.class);
    }

    @Test
    void namespaceDefaultsToTheClients() {
        api.put(TestSlice.of("test", "orders-a").port("http", 8080).ready("10.0.0.1").build());
        try {
            source = KubernetesInstanceSource.builder("orders").client(client).build();

            assertThat(source.namespace()).isEqualTo("test");
            assertThat(ids()).containsExactly("10.0.0.1:8080");
        } finally {
            api.delete("test", "orders-a");
        }
    }

    @Test
    void secureInstancesAreHttps() {
        api.put(TestSlice.of(ns, "orders-a").port("https", 8443).ready("10.0.0.1").build());

        open(orders().secure(true));

        assertThat(source.instances().get(0).uri("/x")).hasToString("https://10.0.0.1:8443/x");
    }

    @Test
    void forbiddenListIsReportedWithTheRbacItNeeds() {
        api.server().expect().get()
                .withPath("/apis/discovery.k8s.io/v1/namespaces/" + ns + "/endpointslices"
                        + "?labelSelector=kubernetes.io%2Fservice-name%3Dorders&resourceVersion=0")
                .andReturn(403, new StatusBuilder().withStatus("Failure").withReason("Forbidden").withCode(403)
                        .withMessage("endpointslices.discovery.k8s.io is forbidden: User \"system:serviceaccount:" + ns
                                + ":default\" cannot list resource \"endpointslices\" in API group \"discovery.k8s.io\"")
                        .build())
                .always();

        source = orders().initialLoadTimeout(Duration.ZERO).build();
        source.subscribe(listener);
        lb = LoadBalancer.of("orders", source);

        await().atMost(WAIT).until(() -> !listener.failures().isEmpty());
        assertThat(listener.failures().get(0)).isExactlyInstanceOf(KubernetesDiscoveryException.class)
                .hasMessageStartingWith("Could not list or watch the EndpointSlices of Service " + ns + "/orders at http://")
                .hasMessageEndingWith(": HTTP 403: endpointslices.discovery.k8s.io is forbidden: User \"system:serviceaccount:" + ns
                        + ":default\" cannot list resource \"endpointslices\" in API group \"discovery.k8s.io\" (expected: an account that may list and watch endpointslices of group discovery.k8s.io"
                        + " in namespace '" + ns + "'); keeping the last 0 instances, retrying");
        assertThat(source.instances()).isEmpty();
        assertThatThrownBy(lb::acquire).isInstanceOf(NoAvailableInstanceException.class)
                .hasCauseInstanceOf(KubernetesDiscoveryException.class);
    }
}
