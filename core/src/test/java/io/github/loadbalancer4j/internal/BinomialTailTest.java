package io.github.loadbalancer4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The binomial upper tail against values computed independently (SciPy's {@code binom.sf(k - 1, n, p)}). */
class BinomialTailTest {

    /** Within a relative error of n log n x 1e-15: the log-factorials of huge counts cancel digits. */
    private static void assertTail(long k, long n, double p, double expected) {
        double relative = Math.max(1e-12, n * Math.log(n) * 1e-15);
        assertThat(BinomialTail.atLeast(k, n, p)).as("P(X >= %d), X ~ B(%d, %s)", k, n, p)
                .isCloseTo(expected, within(expected * relative));
    }

    @Test
    void tailsMatchAnIndependentComputation() {
        assertTail(10, 100, 0.1, 0.5487098345579952);
        assertTail(6, 100, 0.01, 0.0005345344639930342);
        assertTail(7, 100, 0.01, 7.108366137124744e-05);
        assertTail(22, 1000, 0.01, 0.0006518251382730416);
        assertTail(1, 100, 0.001, 0.09520785288629095);
        assertTail(5, 5, 0.5, 0.03125);
        assertTail(1, 10, 0.5, 0.9990234375);
        assertTail(60, 100, 0.5, 0.028443966820490444);
    }

    @Test
    void tinyTailsAndHugeCountsNeitherUnderflowNorOverflow() {
        assertTail(10, 100, 0.000999, 1.5792757057737037e-17);
        assertTail(1100, 100_000, 0.01, 0.0009117803412450804);
        assertTail(3, 1_000_000_000L, 1e-9, 0.08030139697942444);
    }

    @Test
    void edgesAreExact() {
        assertThat(BinomialTail.atLeast(0, 5, 0.5)).isEqualTo(1.0);
        assertThat(BinomialTail.atLeast(6, 5, 0.5)).isEqualTo(0.0);
        assertThat(BinomialTail.atLeast(1, 5, 0.0)).isEqualTo(0.0);
        assertThat(BinomialTail.atLeast(5, 5, 1.0)).isEqualTo(1.0);
    }

    @Test
    void aCountFarBelowTheMeanHasATailOfAlmostOne() {
        assertThat(BinomialTail.atLeast(1, 1_000_000, 0.01)).isCloseTo(1.0, within(1e-8));
    }
}
