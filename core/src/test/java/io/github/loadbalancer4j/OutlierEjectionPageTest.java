package io.github.loadbalancer4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.loadbalancer4j.testing.BackgroundWorkOnTestThread;
import io.github.loadbalancer4j.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The example of {@code docs/outlier-ejection.md}, verbatim; then the same config in virtual time,
 * where the instance that fails 10% of its calls is ejected at the first sweep and the event reads as
 * the page's comment says.
 */
@ExtendWith(BackgroundWorkOnTestThread.class)
class OutlierEjectionPageTest {

    private final List<ServiceInstance> fleet = fleet();
    private final InstanceSource source = InstanceSource.of(fleet);
    private final List<String> alerts = new CopyOnWriteArrayList<>();

    private static List<ServiceInstance> fleet() {
        List<ServiceInstance> instances = new ArrayList<>();
        for (int i = 7; i <= 17; i++) {
            instances.add(ServiceInstance.of("10.0.1." + i, 8080));
        }
        return instances;
    }

    @Test
    void pageExampleEjectsTheInstanceFailingTenPercentAtItsFirstSweep() {
        LoadBalancer orders = LoadBalancer.of("orders", source, LoadBalancerConfig.custom()
                .outlierEjection(OutlierEjectionConfig.custom()   // these are Envoy's and gRPC's defaults
                        .interval(Duration.ofSeconds(10))          // one sweep every 10 s
                        .successRate(1.9)                          // out below mean - 1.9 x stdev of the fleet's success rates
                        .minimumHosts(5).requestVolume(100)        // judge instances with >= 100 calls, if at least 5 have them
                        .maxEjectionPercent(10)                    // at most 10% of the instances out at once (one always may)
                        .build())
                .build());
        orders.getEventPublisher().onOutlierEjected(event -> alerts.add(event.toString()));
        // LoadBalancer 'orders' ejected outlier ServiceInstance{10.0.1.17:8080}: success rate 90.10% over 909 calls,
        //     below 93.69% (success rate); circuit open for PT9.482S (the breaker's 10 s, with its jitter)

        assertThat(orders.getConfig().getOutlierEjection()).hasToString(OutlierEjectionConfig.ofDefaults().toString());
        orders.close();

        // The same config in virtual time: 1 ms per call, round robin, the last instance failing every 10th call.
        MutableClock clock = new MutableClock();
        LoadBalancer simulated = LoadBalancer.of("orders", source, LoadBalancerConfig.from(orders.getConfig())
                .selectionStrategy(SelectionStrategy.roundRobin()).clock(clock).ticker(clock.ticker()).build());
        simulated.getEventPublisher().onOutlierEjected(event -> alerts.add(event.toString()));
        ServiceInstance gray = fleet.get(10);
        int[] grayCalls = {0};
        for (int i = 0; i <= 10_000; i++) {
            try {
                simulated.executeSupplier(instance -> {
                    clock.advance(Duration.ofMillis(1));
                    if (instance.equals(gray) && ++grayCalls[0] % 10 == 0) {
                        throw new IllegalStateException("503");
                    }
                    return "ok";
                });
            } catch (IllegalStateException expected) {
                // the gray instance's failures
            }
        }

        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0)).matches(".*: LoadBalancer 'orders' ejected outlier ServiceInstance\\{10\\.0\\.1\\.17:8080}:"
                + " success rate 90\\.\\d\\d% over 9\\d\\d calls, below 93\\.\\d\\d% \\(success rate\\); circuit open for PT\\d+(\\.\\d+)?S");
        simulated.close();
    }
}
