package io.github.loadbalancer4j.retry.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.loadbalancer4j.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    private final MutableClock clock = new MutableClock();

    @Test
    void everyLatencyFallsInABucketWhoseTopIsAtMostAnEighthAboveIt() {
        int previous = -1;

        for (long nanos = 0; nanos < TimeUnit.SECONDS.toNanos(100); nanos = nanos * 11 / 10 + 997) {
            int bucket = LatencyHistogram.bucket(nanos);
            long top = LatencyHistogram.upperNanos(bucket);

            assertThat(bucket).isGreaterThanOrEqualTo(previous).isLessThan(LatencyHistogram.BUCKETS);
            assertThat(top).isGreaterThan(nanos);
            if (nanos >= 8_000) {
                assertThat((double) top).isLessThanOrEqualTo(nanos * 1.125 + 1000);
            }
            previous = bucket;
        }
        assertThat(LatencyHistogram.bucket(Long.MAX_VALUE)).isEqualTo(LatencyHistogram.BUCKETS - 1);
        assertThat(LatencyHistogram.bucket(-5)).isZero();
    }

    @Test
    void answersNothingUntilItHasEnoughSamplesThenThePercentileFromAbove() {
        LatencyHistogram histogram = new LatencyHistogram(0.95, 100, Duration.ofSeconds(10).toNanos(), clock.ticker());

        for (int i = 1; i <= 96; i++) {
            histogram.record(TimeUnit.MILLISECONDS.toNanos(i));
        }
        long early = histogram.percentileNanos();
        for (int i = 97; i <= 200; i++) {
            histogram.record(TimeUnit.MILLISECONDS.toNanos(i));
        }
        histogram.refresh();

        assertThat(early).isEqualTo(-1);
        assertThat(histogram.percentileNanos()).isBetween(TimeUnit.MILLISECONDS.toNanos(190), TimeUnit.MILLISECONDS.toNanos(214));
    }

    @Test
    void samplesOlderThanTwoWindowsAreForgotten() {
        LatencyHistogram histogram = new LatencyHistogram(0.5, 10, Duration.ofSeconds(10).toNanos(), clock.ticker());
        for (int i = 0; i < 160; i++) {
            histogram.record(TimeUnit.SECONDS.toNanos(1));
        }

        clock.advance(Duration.ofSeconds(10));
        histogram.refresh(); // the empty generation becomes current: the slow samples still count
        long afterOneWindow = histogram.percentileNanos();
        for (int i = 0; i < 320; i++) {
            histogram.record(TimeUnit.MILLISECONDS.toNanos(1));
        }
        clock.advance(Duration.ofSeconds(10));
        histogram.refresh(); // the slow samples' generation is cleared

        assertThat(afterOneWindow).isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(1));
        assertThat(histogram.percentileNanos()).isLessThan(TimeUnit.MILLISECONDS.toNanos(2));
    }

    @Test
    void concurrentRecordersLoseNoSample() throws Exception {
        LatencyHistogram histogram = new LatencyHistogram(0.99, 100, Duration.ofSeconds(10).toNanos(), clock.ticker());
        ExecutorService threads = Executors.newFixedThreadPool(4);
        List<Future<?>> done = new ArrayList<>();

        for (int t = 0; t < 4; t++) {
            done.add(threads.submit(() -> {
                for (int i = 0; i < 100_000; i++) {
                    histogram.record(i % 100 == 99 ? TimeUnit.SECONDS.toNanos(1) : TimeUnit.MILLISECONDS.toNanos(2));
                }
            }));
        }
        for (Future<?> f : done) {
            f.get(30, TimeUnit.SECONDS);
        }
        threads.shutdown();
        histogram.refresh();

        assertThat(histogram.count()).isEqualTo(400_000);
        assertThat(histogram.percentileNanos()).isBetween(TimeUnit.MILLISECONDS.toNanos(2), TimeUnit.MILLISECONDS.toNanos(3));
    }
}
