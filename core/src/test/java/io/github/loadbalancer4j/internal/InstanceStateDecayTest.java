package io.github.loadbalancer4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InstanceStateDecayTest {

    @Test
    void decayMatchesTheExponentialAtEveryAge() {
        long[] ages = {1, 1_000, 10_000, 1_000_000, 50_000_000, 999_999_999, 1_000_000_000, 1_000_000_001,
                TimeUnit.SECONDS.toNanos(10), TimeUnit.MINUTES.toNanos(5)};

        for (long age : ages) {
            double expected = Math.exp(-(double) age / InstanceState.DECAY_NANOS);

            assertThat(InstanceState.decay(age)).as("decay after %d ns", age).isCloseTo(expected, within(1e-7));
        }
    }

    @Test
    void aCostRecordedNowOrLaterIsNotDecayed() {
        assertThat(InstanceState.decay(0)).isEqualTo(1.0);
        assertThat(InstanceState.decay(-5_000_000)).isEqualTo(1.0);
    }
}
