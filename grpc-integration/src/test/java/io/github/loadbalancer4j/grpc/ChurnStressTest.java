package io.github.loadbalancer4j.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.MutableInstanceSource;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.testing.CallLoop;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Eight callers on one channel while its source changes a hundred times (instances added and
 * removed, subchannels made and shut down under the picks): every call returns, and once the calls
 * stop no instance has a call counted in flight, since each pick's lease was ended by its call.
 */
class ChurnStressTest {

    private static final String SCHEME = "lb4j-churn";
    private static final Duration BOUND = Duration.ofSeconds(10);

    private static MutableInstanceSource source;
    private static Testbed testbed;

    @BeforeAll
    static void startServers() throws Exception {
        testbed = Testbed.start(SCHEME, LoadBalancerConfig.ofDefaults(), servers -> {
            source = InstanceSource.mutable(servers.instances().toArray(new ServiceInstance[0]));
            return Map.of("orders", source);
        });
    }

    @AfterAll
    static void stopServers() throws Exception {
        testbed.close();
    }

    @Test
    void callsUnderAChangingListAllReturnAndLeaveNoCallInFlight() throws Exception {
        List<ServiceInstance> all = testbed.servers.instances();
        List<List<ServiceInstance>> lists = List.of(all, List.of(all.get(0), all.get(1)), List.of(all.get(2)),
                List.of(all.get(1), all.get(2)), List.of(all.get(0)));
        ManagedChannel channel = testbed.channel(Map.of("strategy", "least-requests"));
        LoadBalancer lb = testbed.awaitReady(channel, 3);
        try (CallLoop calls = CallLoop.start(8, () -> TestChannels.read(channel))) {

            for (int change = 0; change < 100; change++) {
                List<ServiceInstance> next = lists.get(change % lists.size());
                int before = calls.completed();
                source.update(next);
                Set<String> ids = next.stream().map(ServiceInstance::id).collect(Collectors.toSet());
                await().atMost(BOUND).until(() -> ids(lb).equals(ids) && calls.completed() > before + 5);
            }
            calls.close();

            assertThat(calls.failures()).isEmpty();
            assertThat(calls.completed()).isGreaterThan(500);
            assertThat(lb.getInstances()).extracting(InstanceStatus::inFlight).containsOnly(0);
        } finally {
            TestChannels.shutdown(channel);
        }
    }

    private static Set<String> ids(LoadBalancer lb) {
        return lb.getInstances().stream().map(s -> s.instance().id()).collect(Collectors.toSet());
    }
}
