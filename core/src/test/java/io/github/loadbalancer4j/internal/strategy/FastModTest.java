package io.github.loadbalancer4j.internal.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FastModTest {

    @Test
    void equalsTheRemainderForEveryDivisorUpToAThousandAndEdgeDividends() {
        int[] edges = {0, 1, 2, 3, 1_000, 65_535, 65_536, 1 << 30, Integer.MAX_VALUE - 1, Integer.MAX_VALUE};
        for (int d = 1; d <= 1_000; d++) {
            FastMod mod = new FastMod(d);
            for (int a : edges) {
                assertThat(mod.mod(a)).as("%d %% %d", a, d).isEqualTo(a % d);
            }
        }
    }

    @Test
    void equalsTheRemainderForRandomDividendsAndLargeDivisors() {
        SplittableRandom random = new SplittableRandom(42);
        int[] divisors = {7, 10_000, 65_537, 1 << 20, 1_000_003, Integer.MAX_VALUE};
        for (int d : divisors) {
            FastMod mod = new FastMod(d);
            for (int i = 0; i < 200_000; i++) {
                int a = random.nextInt(Integer.MAX_VALUE);
                assertThat(mod.mod(a)).isEqualTo(a % d);
            }
        }
    }

    @Test
    void rejectsADivisorBelowOne() {
        assertThatThrownBy(() -> new FastMod(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("divisor: 0 (expected: >= 1)");
    }
}
