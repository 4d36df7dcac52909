package io.github.loadbalancer4j;

import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;

import io.github.loadbalancer4j.health.HealthCheckConfig;
import io.github.loadbalancer4j.health.HealthChecker;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every duration setter refuses at once what would fail later: durations no count of nanoseconds
 * holds (292 years and more), which used to throw ArithmeticException on a call or vanish on the
 * health-check thread, and health-check intervals so short that checks burn the cores.
 */
class DurationLimitsTest {

    private static final Duration THREE_CENTURIES = ChronoUnit.CENTURIES.getDuration().multipliedBy(3);

    @Test
    void slowStartLongerThanNanosecondsHoldIsRefusedAtTheSetter() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> LoadBalancerConfig.custom().slowStart(THREE_CENTURIES))
                .withMessage("slowStart: " + THREE_CENTURIES + " (expected: >= 0 and at most PT2562047H47M16.854775807S,"
                        + " the longest a count of nanoseconds holds)");
    }

    @Test
    void slowStartOfExactlyTheLongestRepresentableDurationIsAccepted() {
        assertThatNoException().isThrownBy(() -> LoadBalancerConfig.custom().slowStart(Duration.ofNanos(Long.MAX_VALUE)));
    }

    @Test
    void healthCheckIntervalBelowTheFloorIsRefused() {
        HealthCheckConfig.Builder builder = HealthCheckConfig.custom(HealthChecker.tcp());

        assertThatIllegalArgumentException().isThrownBy(() -> builder.interval(Duration.ofNanos(2)))
                .withMessage("interval: PT0.000000002S (expected: >= 100 ms)");
        assertThatIllegalArgumentException().isThrownBy(() -> builder.interval(Duration.ofMillis(99)))
                .withMessage("interval: PT0.099S (expected: >= 100 ms)");
        assertThatNoException().isThrownBy(() -> builder.interval(HealthCheckConfig.MIN_INTERVAL));
    }

    @Test
    void healthCheckDurationsLongerThanNanosecondsHoldAreRefused() {
        HealthCheckConfig.Builder builder = HealthCheckConfig.custom(HealthChecker.tcp());

        assertThatIllegalArgumentException().isThrownBy(() -> builder.interval(THREE_CENTURIES))
                .withMessageStartingWith("interval: " + THREE_CENTURIES + " (expected: >= 100 ms and at most");
        assertThatIllegalArgumentException().isThrownBy(() -> builder.timeout(THREE_CENTURIES))
                .withMessageStartingWith("timeout: " + THREE_CENTURIES + " (expected: >= 1 ms and at most");
    }

    @Test
    void healthCheckTimeoutBelowTheFloorIsRefused() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> HealthCheckConfig.custom(HealthChecker.tcp()).timeout(Duration.ofNanos(500)))
                .withMessage("timeout: PT0.0000005S (expected: >= 1 ms)");
    }

    @Test
    void pollingIntervalBelowTheFloorOrBeyondNanosecondsIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> InstanceSource.polling(List::of, Duration.ofNanos(2)))
                .withMessage("interval: PT0.000000002S (expected: >= 10 ms)");
        assertThatIllegalArgumentException().isThrownBy(() -> InstanceSource.polling(List::of, THREE_CENTURIES))
                .withMessageStartingWith("interval: " + THREE_CENTURIES + " (expected: >= 10 ms and at most");
    }
}
