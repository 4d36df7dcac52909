package io.github.loadbalancer4j.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.MutableInstanceSource;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.testing.CallLoop;
import io.github.loadbalancer4j.testing.grpc.LoopbackGrpcServers;
import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.SynchronizationContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link InstanceSourceNameResolver} on real channels to real servers: it follows a mutable source
 * with our policy and with gRPC's own, keeps the last list when discovery fails and says why when
 * there is nothing to call, and refuses targets it cannot resolve.
 */
class InstanceSourceNameResolverTest {

    private static final String SCHEME = "lb4j-resolver";
    private static final Duration BOUND = Duration.ofSeconds(10);

    private static Testbed testbed;
    private static LoopbackGrpcServers servers;
    private static MutableInstanceSource orders;
    private static MutableInstanceSource carts;
    private static MutableInstanceSource payments;
    private static BalancingPolicyProvider policy;
    private static InstanceSourceNameResolverProvider resolvers;

    @BeforeAll
    static void startServers() throws Exception {
        testbed = Testbed.start(SCHEME, LoadBalancerConfig.ofDefaults(), started -> {
            orders = InstanceSource.mutable(started.get(0).instance(), started.get(1).instance());
            carts = InstanceSource.mutable(started.get(0).instance(), started.get(1).instance());
            payments = InstanceSource.mutable(started.get(0).instance(), started.get(1).instance());
            return Map.of("orders", orders, "carts", carts, "payments", payments, "empty", InstanceSource.of(),
                    "unreachable", InstanceSource.polling(() -> {
                        throw new IOException("registry down");
                    }, Duration.ofMinutes(1)));
        });
        servers = testbed.servers;
        policy = testbed.policy;
        resolvers = testbed.resolvers;
    }

    @AfterAll
    static void stopServers() throws Exception {
        testbed.close();
    }

    @Test
    void addedAndRemovedInstancesReachThePolicysPickerWithoutRestartingTheChannel() throws Exception {
        ManagedChannel channel = TestChannels.channel(resolvers.target("orders"), SCHEME, Map.of("strategy", "round-robin"));
        try (CallLoop calls = CallLoop.start(2, () -> TestChannels.read(channel))) {
            LoadBalancer lb = TestChannels.awaitReady(policy, channel, 2);
            await().atMost(BOUND).until(() -> calls.servedBy("127.0.0.11") > 0 && calls.servedBy("127.0.0.12") > 0);

            orders.update(servers.get(1).instance(), servers.get(2).instance());
            await().atMost(BOUND).until(() -> ids(lb).equals(Set.of(servers.get(1).instance().id(), servers.get(2).instance().id()))
                    && lb.getMetrics().getNumberOfAvailableInstances() == 2);
            calls.mark("updated");
            await().atMost(BOUND).until(() -> calls.servedSince("updated").values().stream().mapToInt(n -> n).sum() > 100);

            assertThat(calls.servedSince("updated")).containsOnlyKeys("127.0.0.12", "127.0.0.13");
            assertThat(calls.failures()).isEmpty();
        } finally {
            TestChannels.shutdown(channel);
        }
    }

    @Test
    void gRpcsOwnRoundRobinFollowsTheSourceToo() throws Exception {
        ManagedChannel channel = TestChannels.channel(resolvers.target("carts"), "round_robin", Map.of());
        try {
            await().atMost(BOUND).until(() -> servedBy(channel, 30).equals(Set.of("127.0.0.11", "127.0.0.12")));

            carts.update(servers.get(1).instance(), servers.get(2).instance());

            await().atMost(BOUND).until(() -> servedBy(channel, 30).equals(Set.of("127.0.0.12", "127.0.0.13")));
        } finally {
            TestChannels.shutdown(channel);
        }
    }

    @Test
    void gRpcsOwnPickFirstFollowsTheSourceToo() throws Exception {
        ManagedChannel channel = TestChannels.channel(resolvers.target("payments"), "pick_first", Map.of());
        try {
            await().atMost(BOUND).until(() -> servedBy(channel, 10).equals(Set.of("127.0.0.11")));

            payments.update(servers.get(2).instance());

            await().atMost(BOUND).until(() -> servedBy(channel, 10).equals(Set.of("127.0.0.13")));
        } finally {
            TestChannels.shutdown(channel);
        }
    }

    @Test
    void discoveryFailureKeepsTheLastListInForce() throws Exception {
        MutableInstanceSource source = InstanceSource.mutable(servers.get(0).instance(), servers.get(1).instance());
        InstanceSourceNameResolverProvider own = InstanceSourceNameResolverProvider.builder().scheme("lb4j-failing")
                .source("orders", source).build();
        ManagedChannel channel;
        try (AutoCloseable registered = TestChannels.register(own)) {
            channel = Grpc.newChannelBuilder("lb4j-failing:///orders", InsecureChannelCredentials.create())
                    .defaultLoadBalancingPolicy(SCHEME).build();
        }
        try {
            TestChannels.awaitReady(policy, channel, 2);

            source.fail(new IOException("registry down"));
            Set<String> servedAfter = servedBy(channel, 30);

            assertThat(servedAfter).containsExactlyInAnyOrder("127.0.0.11", "127.0.0.12");
        } finally {
            TestChannels.shutdown(channel);
        }
    }

    @Test
    void sourceWhoseFirstLookupFailedFailsCallsWithUnavailableAndTheCause() throws Exception {
        ManagedChannel channel = TestChannels.channel(resolvers.target("unreachable"), SCHEME, Map.of());
        try {
            assertThatThrownBy(() -> TestChannels.read(channel))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE))
                    .hasMessageContaining("loadbalancer4j source 'unreachable' could not reach discovery and has no list yet: "
                            + "java.io.IOException: registry down");
        } finally {
            TestChannels.shutdown(channel);
        }
    }

    @Test
    void emptySourceFailsCallsWithUnavailableAndSaysTheServiceHasNoInstances() throws Exception {
        ManagedChannel channel = TestChannels.channel(resolvers.target("empty"), SCHEME, Map.of());
        try {
            assertThatThrownBy(() -> TestChannels.read(channel))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE))
                    .hasMessageContaining(SCHEME + " 'empty': the name resolver gave no address (the service has no instances)");
        } finally {
            TestChannels.shutdown(channel);
        }
    }

    @Test
    void targetNamingNoSourceFailsTheChannelsBuildSayingWhichTargetsExist() {
        assertThatThrownBy(() -> Grpc.newChannelBuilder(SCHEME + ":///nosuch", InsecureChannelCredentials.create()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("target: '" + SCHEME + ":///nosuch' (expected: a source of this provider: one of [" + SCHEME + ":///carts, "
                        + SCHEME + ":///empty, " + SCHEME + ":///orders, " + SCHEME + ":///payments, " + SCHEME + ":///unreachable])");
    }

    @Test
    void targetWithAnAuthorityOrAPathFailsTheChannelsBuildSayingTheExpectedForm() {
        assertThatThrownBy(() -> Grpc.newChannelBuilder(SCHEME + "://host/orders", InsecureChannelCredentials.create()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("target: '" + SCHEME + "://host/orders' (expected: " + SCHEME + ":///<source name>, one of [");
        assertThatThrownBy(() -> Grpc.newChannelBuilder(SCHEME + ":///orders/v2", InsecureChannelCredentials.create()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("target: '" + SCHEME + ":///orders/v2' (expected: " + SCHEME + ":///<source name>");
    }

    @Test
    void eachInstanceIsOneAddressGroupWithItsIdWeightZoneAndMetadata() throws Exception {
        ServiceInstance instance = ServiceInstance.builder("127.0.0.11", 9001).id("orders-1").weight(3).zone("eu-west-1a")
                .metadata("version", "2").build();
        Recording listener = new Recording();
        NameResolver resolver = InstanceSourceNameResolverProvider.builder().source("orders", InstanceSource.of(instance)).build()
                .newNameResolver(URI.create("loadbalancer4j:///orders"), args());

        resolver.start(listener);

        assertThat(resolver.getServiceAuthority()).isEqualTo("orders");
        assertThat(listener.results).hasSize(1);
        EquivalentAddressGroup group = listener.results.get(0).get(0);
        assertThat(group.getAddresses()).containsExactly(new InetSocketAddress("127.0.0.11", 9001));
        Attributes attributes = group.getAttributes();
        assertThat(attributes.get(InstanceAttributes.INSTANCE_ID)).isEqualTo("orders-1");
        assertThat(attributes.get(InstanceAttributes.WEIGHT)).isEqualTo(3);
        assertThat(attributes.get(InstanceAttributes.ZONE)).isEqualTo("eu-west-1a");
        assertThat(attributes.get(InstanceAttributes.METADATA)).isEqualTo(Map.of("version", "2"));
    }

    @Test
    void discoveryFailureGoesThroughTheErrorPathAndNoListIsReplaced() throws Exception {
        MutableInstanceSource source = InstanceSource.mutable(ServiceInstance.of("127.0.0.11", 9001));
        Recording listener = new Recording();
        NameResolver resolver = InstanceSourceNameResolverProvider.builder().source("orders", source).build()
                .newNameResolver(URI.create("loadbalancer4j:///orders"), args());
        resolver.start(listener);

        source.fail(new IOException("zookeeper lost"));
        source.update(List.of());

        assertThat(listener.errors).extracting(Status::getCode).containsExactly(Status.Code.UNAVAILABLE);
        assertThat(listener.errors.get(0).getDescription())
                .isEqualTo("loadbalancer4j source 'orders' could not reach discovery; its last list stays in force: "
                        + "java.io.IOException: zookeeper lost");
        assertThat(listener.results).extracting(List::size).containsExactly(1, 0); // the failure replaced nothing; the empty answer applied
        resolver.shutdown();
        source.update(ServiceInstance.of("127.0.0.12", 9001));
        assertThat(listener.results).hasSize(2);
    }

    private static Set<String> ids(LoadBalancer lb) {
        return lb.getInstances().stream().map(s -> s.instance().id()).collect(Collectors.toSet());
    }

    private static Set<String> servedBy(ManagedChannel channel, int calls) {
        Set<String> served = new HashSet<>();
        for (int i = 0; i < calls; i++) {
            served.add(TestChannels.read(channel));
        }
        return served;
    }

    private static NameResolver.Args args() {
        return NameResolver.Args.newBuilder()
                .setDefaultPort(443)
                .setProxyDetector(address -> null)
                .setSynchronizationContext(new SynchronizationContext((t, e) -> {
                    throw new AssertionError(e);
                }))
                .setServiceConfigParser(new NameResolver.ServiceConfigParser() {
                    @Override
                    public NameResolver.ConfigOrError parseServiceConfig(Map<String, ?> rawServiceConfig) {
                        return NameResolver.ConfigOrError.fromConfig(rawServiceConfig);
                    }
                })
                .build();
    }

    /** What a channel's listener would have been told. */
    private static final class Recording extends NameResolver.Listener2 {
        final List<List<EquivalentAddressGroup>> results = new CopyOnWriteArrayList<>();
        final List<Status> errors = new CopyOnWriteArrayList<>();

        @Override
        public void onResult(NameResolver.ResolutionResult result) {
            results.add(result.getAddressesOrError().getValue());
        }

        @Override
        public void onError(Status error) {
            errors.add(error);
        }
    }
}
