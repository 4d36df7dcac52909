package io.github.loadbalancer4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every strategy keeps picking listed instances while another thread replaces the list. */
class StrategiesUnderChurnTest {

    static List<SelectionStrategy> strategies() {
        return SelectorContractTest.strategies().toList();
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void picksStayWithinTheListsWhileTheListChanges(SelectionStrategy strategy) throws InterruptedException {
        List<ServiceInstance> all = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            all.add(ServiceInstance.builder("127.0.0." + (11 + i), 8080).weight(1 + i % 3)
                    .zone(i % 2 == 0 ? "eu-west-1a" : "eu-west-1b").build());
        }
        MutableInstanceSource source = InstanceSource.mutable(all.subList(0, 6).toArray(new ServiceInstance[0]));
        LoadBalancer lb = LoadBalancer.of("orders", source, LoadBalancerConfig.custom().selectionStrategy(strategy).build());
        Function<Integer, ServiceInstance> call = LoadBalancer.decorateFunction(lb, key -> key, (instance, key) -> instance);
        Set<ServiceInstance> picked = ConcurrentHashMap.newKeySet();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicBoolean done = new AtomicBoolean();
        Thread caller = new Thread(() -> {
            try {
                for (int i = 0; i < 50_000; i++) {
                    picked.add(call.apply(i));
                }
            } catch (Throwable e) {
                failure.set(e);
            } finally {
                done.set(true);
            }
        });

        caller.start();
        for (int update = 0; !done.get(); update++) {
            int from = update % 6;
            source.update(all.subList(from, from + 1 + update % 6));
        }
        caller.join();

        assertThat(failure.get()).isNull();
        assertThat(picked).isNotEmpty().isSubsetOf(all);
        lb.close();
    }
}
