package io.github.loadbalancer4j;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.kotlinx.lincheck.paramgen.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Lincheck: picks (acquire and end a lease) concurrent with whole-list replacements are linearizable
 * against the load balancer's own sequential behaviour, so no interleaving makes a pick see a list
 * that was never current, or an index from one list applied to another.
 */
@Param(name = "size", gen = IntGen.class, conf = "0:3")
public class SelectionLinearizabilityTest {

    private final MutableInstanceSource source = InstanceSource.mutable(listOf(2).toArray(new ServiceInstance[0]));
    // Round robin from index 0: the built-in one starts at a random offset, and Lincheck needs a
    // deterministic sequential behaviour to compare with.
    private static final SelectionStrategy FROM_ZERO = available -> {
        AtomicInteger next = new AtomicInteger();
        return ctx -> available.isEmpty() ? null : available.get(next.getAndIncrement() % available.size());
    };
    private final LoadBalancer lb = LoadBalancer.of("lincheck", source,
            LoadBalancerConfig.custom().selectionStrategy(FROM_ZERO).build());

    @Operation
    public void update(@Param(name = "size") int size) {
        source.update(listOf(size));
    }

    @Operation
    public String pick() {
        try {
            Lease lease = lb.acquire();
            lease.onSuccess();
            return lease.instance().id();
        } catch (NoAvailableInstanceException e) {
            return "none";
        }
    }

    @Test
    void picksAndUpdatesAreLinearizable() {
        new StressOptions().iterations(15).invocationsPerIteration(300).threads(3).actorsPerThread(3).check(getClass());
    }

    private static List<ServiceInstance> listOf(int size) {
        List<ServiceInstance> list = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            list.add(ServiceInstance.builder("10.0.0." + (i + 1), 80).id("s" + size + "-" + i).build());
        }
        return list;
    }
}
