package io.github.loadbalancer4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The example of {@code docs/strategies.md}, verbatim, with each of its comments checked. */
class StrategiesPageTest {

    @Test
    void weightedRoundRobinThenZonePreferenceThenConsistentHashing() {
        LoadBalancer orders = LoadBalancer.of("orders", InstanceSource.of(
                        ServiceInstance.builder("10.0.1.10", 8080).zone("eu-west-1a").build(),
                        ServiceInstance.builder("10.0.1.11", 8080).zone("eu-west-1a").weight(2).build(),
                        ServiceInstance.builder("10.0.2.10", 8080).zone("eu-west-1b").build()),
                LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.weightedRoundRobin()).build());
        Supplier<String> whereTo = LoadBalancer.decorateSupplier(orders, instance -> instance.id());
        List<String> fourCalls = Stream.generate(whereTo).limit(4).toList();   // 10.0.1.11:8080 twice in every 4 calls

        // At run time: stay in our zone, lowest latency first; per-instance statistics carry over.
        orders.changeStrategy(SelectionStrategy.zonePreferring("eu-west-1a", SelectionStrategy.peakEwma()));
        String local = whereTo.get();                                           // 10.0.1.10:8080 or 10.0.1.11:8080 only

        // Consistent hashing routes by a key taken from the argument.
        orders.changeStrategy(SelectionStrategy.consistentHash());
        Function<String, String> cartHost = LoadBalancer.decorateFunction(orders, user -> user,
                (instance, user) -> instance.id());
        boolean sticky = cartHost.apply("alice").equals(cartHost.apply("alice"));  // true

        assertThat(Collections.frequency(fourCalls, "10.0.1.11:8080")).isEqualTo(2);
        assertThat(fourCalls).contains("10.0.1.10:8080", "10.0.2.10:8080");
        assertThat(local).isIn("10.0.1.10:8080", "10.0.1.11:8080");
        assertThat(sticky).isTrue();
        assertThat(orders.getInstances()).as("the first four calls reached every instance").allSatisfy(status ->
                assertThat(status.circuitBreaker().getMetrics().getNumberOfSuccessfulCalls()).isPositive());
        orders.close();
    }
}
