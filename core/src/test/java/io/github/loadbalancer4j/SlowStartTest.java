package io.github.loadbalancer4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.within;

import io.github.loadbalancer4j.health.HealthCheckConfig;
import io.github.loadbalancer4j.health.HealthChecker;
import io.github.loadbalancer4j.testing.BackgroundWorkOnTestThread;
import io.github.loadbalancer4j.testing.ManualScheduler;
import io.github.loadbalancer4j.testing.MutableClock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(BackgroundWorkOnTestThread.class)
class SlowStartTest {

    private static final Duration WINDOW = Duration.ofSeconds(100);
    private static final int PICKS = 40_000;

    private final MutableClock clock = new MutableClock();
    private final ServiceInstance a = ServiceInstance.of("127.0.0.11", 8080);
    private final ServiceInstance b = ServiceInstance.of("127.0.0.12", 8080);
    private final ServiceInstance late = ServiceInstance.of("127.0.0.13", 8080);

    @ParameterizedTest
    @ValueSource(strings = {"weightedRandom", "weightedRoundRobin"})
    void aNewInstancesShareRampsFromTheMinimumToItsFullShare(String strategyName) {
        SelectionStrategy strategy = strategyName.equals("weightedRandom")
                ? SelectionStrategy.weightedRandom() : SelectionStrategy.weightedRoundRobin();
        MutableInstanceSource source = InstanceSource.mutable(a, b);
        LoadBalancer lb = LoadBalancer.of("orders", source, LoadBalancerConfig.custom().selectionStrategy(strategy)
                .slowStart(WINDOW).clock(clock).ticker(clock.ticker()).build());

        source.update(a, b, late);
        double atStart = shareOf(lb, late);
        clock.advance(WINDOW.dividedBy(2));
        double atHalf = shareOf(lb, late);
        clock.advance(WINDOW.dividedBy(2));
        double atEnd = shareOf(lb, late);

        // weights 1, 1 and (0.1 -> 0.55 -> 1.0) for the late instance
        assertThat(atStart).isCloseTo(0.1 / 2.1, within(0.02));
        assertThat(atHalf).isCloseTo(0.55 / 2.55, within(0.02));
        assertThat(atEnd).isCloseTo(1.0 / 3.0, within(0.02));
        assertThat(shareOf(lb, a)).isCloseTo(1.0 / 3.0, within(0.02));
    }

    @ParameterizedTest
    @ValueSource(strings = {"roundRobin", "random", "zonePreferring"})
    void unweightedStrategiesFollowTheRampAsWeights(String strategyName) {
        SelectionStrategy strategy = strategyName.equals("roundRobin") ? SelectionStrategy.roundRobin()
                : strategyName.equals("random") ? SelectionStrategy.random()
                : SelectionStrategy.zonePreferring("eu-west-1a", SelectionStrategy.roundRobin()); // no instance there: all zones
        MutableInstanceSource source = InstanceSource.mutable(a, b);
        LoadBalancer lb = LoadBalancer.of("orders", source, LoadBalancerConfig.custom().selectionStrategy(strategy)
                .slowStart(WINDOW).clock(clock).ticker(clock.ticker()).build());

        source.update(a, b, late);
        double atStart = shareOf(lb, late);
        clock.advance(WINDOW.dividedBy(2));
        double atHalf = shareOf(lb, late);
        clock.advance(WINDOW.dividedBy(2));
        double atEnd = shareOf(lb, late);

        assertThat(atStart).isCloseTo(0.1 / 2.1, within(0.02));
        assertThat(atHalf).isCloseTo(0.55 / 2.55, within(0.02));
        assertThat(atEnd).isCloseTo(1.0 / 3.0, within(0.02));
    }

    @ParameterizedTest
    @ValueSource(strings = {"leastRequests", "peakEwma"})
    void powerOfTwoChoicesLetAWarmingInstanceTakePartWithTheRampsProbability(String strategyName) {
        SelectionStrategy strategy = strategyName.equals("leastRequests") ? SelectionStrategy.leastRequests()
                : SelectionStrategy.peakEwma();
        MutableInstanceSource source = InstanceSource.mutable(a, b);
        LoadBalancer lb = LoadBalancer.of("orders", source, LoadBalancerConfig.custom().selectionStrategy(strategy)
                .slowStart(WINDOW).clock(clock).ticker(clock.ticker()).build());

        source.update(a, b, late);
        double atStart = shareOf(lb, late);
        clock.advance(WINDOW.dividedBy(2));
        double atHalf = shareOf(lb, late);
        clock.advance(WINDOW.dividedBy(2));
        double atEnd = shareOf(lb, late);

        // In two draws of three it meets another instance, takes part with the ramp's probability and
        // then wins half the ties: a share of factor / 3. Before, it took every draw it was in (2/3).
        assertThat(atStart).isCloseTo(0.1 / 3, within(0.02));
        assertThat(atHalf).isCloseTo(0.55 / 3, within(0.02));
        assertThat(atEnd).isCloseTo(1.0 / 3, within(0.02));
    }

    @Test
    void consistentHashWithSlowStartIsRefusedNamingBoth() {
        LoadBalancerConfig.Builder builder = LoadBalancerConfig.custom().slowStart(WINDOW)
                .selectionStrategy(SelectionStrategy.zonePreferring("eu-west-1a", SelectionStrategy.consistentHash()));

        assertThatIllegalStateException().isThrownBy(builder::build)
                .withMessageStartingWith("slowStart(PT1M40S) cannot be combined with selectionStrategy(zonePreferring(eu-west-1a, consistentHash")
                .withMessageEndingWith("(expected: slowStart(Duration.ZERO), or another strategy)");
    }

    @Test
    void changingToConsistentHashUnderSlowStartIsRefusedAndTheStrategyStays() {
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(a, b), LoadBalancerConfig.custom()
                .selectionStrategy(SelectionStrategy.roundRobin()).slowStart(WINDOW).build());

        assertThatIllegalArgumentException().isThrownBy(() -> lb.changeStrategy(SelectionStrategy.consistentHash()))
                .withMessageStartingWith("strategy: consistentHash");
        assertThat(lb.getSelectionStrategy()).isSameAs(SelectionStrategy.roundRobin());
    }

    @Test
    void theFirstListDoesNotSlowStart() {
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(a, b), LoadBalancerConfig.custom()
                .selectionStrategy(SelectionStrategy.weightedRandom()).slowStart(WINDOW).clock(clock).ticker(clock.ticker()).build());

        assertThat(lb.getInstances()).extracting(InstanceStatus::weight).containsExactly(1.0, 1.0);
    }

    @Test
    void aRecoveredInstanceSlowStartsAgain() {
        ManualScheduler scheduler = new ManualScheduler();
        Set<ServiceInstance> down = ConcurrentHashMap.newKeySet();
        HealthChecker checker = (i, timeout) -> CompletableFuture.completedFuture(!down.contains(i));
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(a, b, late), LoadBalancerConfig.custom()
                .selectionStrategy(SelectionStrategy.weightedRandom()).slowStart(WINDOW).clock(clock).ticker(clock.ticker())
                .healthCheck(HealthCheckConfig.custom(checker).interval(Duration.ofSeconds(1)).jitter(0)
                        .timeout(Duration.ofMillis(100)).unhealthyThreshold(1).healthyThreshold(1).scheduler(scheduler).build())
                .build());
        down.add(late);
        scheduler.advance(Duration.ofSeconds(1));
        double whileDown = shareOf(lb, late);

        down.clear();
        scheduler.advance(Duration.ofSeconds(1));
        double justRecovered = shareOf(lb, late);

        assertThat(whileDown).isZero();
        assertThat(justRecovered).isCloseTo(0.1 / 2.1, within(0.02));
    }

    private static double shareOf(LoadBalancer lb, ServiceInstance instance) {
        int hits = 0;
        for (int i = 0; i < PICKS; i++) {
            Lease lease = lb.acquire();
            if (lease.instance().equals(instance)) {
                hits++;
            }
            lease.onSuccess();
        }
        return (double) hits / PICKS;
    }
}
