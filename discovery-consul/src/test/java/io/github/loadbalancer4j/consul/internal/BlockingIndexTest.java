package io.github.loadbalancer4j.consul.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The index rules of Consul's "Blocking Queries" page, Implementation Details. */
class BlockingIndexTest {

    @Test
    void higherOrEqualIndexIsWaitedOnNext() {
        assertThat(BlockingIndex.next(0, 42)).isEqualTo(42);
        assertThat(BlockingIndex.next(42, 43)).isEqualTo(43);
        assertThat(BlockingIndex.next(42, 42)).isEqualTo(42);
    }

    @Test
    void indexThatGoesBackwardsResetsToZero() {
        assertThat(BlockingIndex.next(42, 41)).isZero();
        assertThat(BlockingIndex.next(42, 0)).isZero();
    }

    @Test
    void indexZeroAfterAReadThatDidNotBlockIsWaitedOnAsOne() {
        assertThat(BlockingIndex.next(0, 0)).isEqualTo(1);
        assertThat(BlockingIndex.next(1, 1)).isEqualTo(1);
    }

    @Test
    void indexesAreUnsigned() {
        long above = Long.MIN_VALUE; // 2^63, above every signed long

        assertThat(BlockingIndex.next(Long.MAX_VALUE, above)).isEqualTo(above);
        assertThat(BlockingIndex.next(above, Long.MAX_VALUE)).isZero();
    }
}
