package io.github.loadbalancer4j.consul.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

    private static final long INTERVAL = Duration.ofSeconds(15).toNanos();

    private final AtomicLong now = new AtomicLong(1_000);
    private final TokenBucket bucket = new TokenBucket(2, INTERVAL, now::get);

    @Test
    void burstGoesAtOnceThenOnePerInterval() {
        assertThat(bucket.tryTake()).isZero();
        assertThat(bucket.tryTake()).isZero();
        assertThat(bucket.tryTake()).isEqualTo(INTERVAL);

        now.addAndGet(INTERVAL - 1);
        assertThat(bucket.tryTake()).isEqualTo(1);
        now.addAndGet(1);
        assertThat(bucket.tryTake()).isZero();
        assertThat(bucket.tryTake()).isEqualTo(INTERVAL);
    }

    @Test
    void rareQueriesNeverWait() {
        for (int i = 0; i < 10; i++) {
            assertThat(bucket.tryTake()).isZero();
            now.addAndGet(Duration.ofSeconds(55).toNanos());
        }
    }

    @Test
    void quietTimeRefillsNoMoreThanTheBurst() {
        now.addAndGet(Duration.ofHours(1).toNanos());

        assertThat(bucket.tryTake()).isZero();
        assertThat(bucket.tryTake()).isZero();
        assertThat(bucket.tryTake()).isEqualTo(INTERVAL);
    }

    @Test
    void zeroIntervalIsNoLimit() {
        TokenBucket unlimited = new TokenBucket(1, 0, now::get);

        for (int i = 0; i < 100; i++) {
            assertThat(unlimited.tryTake()).isZero();
        }
    }
}
