package io.github.loadbalancer4j.consul;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.loadbalancer4j.testing.ManualScheduler;
import io.github.loadbalancer4j.testing.RecordingListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockResponse;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * When the source sends its queries: the backoff after failures and the rate limit under churn, in the
 * virtual time of a {@link ManualScheduler} (each step of the loop runs on the test's thread when the
 * scheduler's time passes its due time). Consul is the loopback {@link FakeConsul}, scripted to answer
 * every query at once.
 */
class ConsulQueryPacingTest {

    private static final Duration STEP = Duration.ofMillis(10);
    private static final Offset<Double> ONE_STEP = Offset.offset(0.011);

    private final ManualScheduler scheduler = new ManualScheduler();
    private FakeConsul consul;
    private ConsulInstanceSource source;

    @BeforeEach
    void startConsul() throws Exception {
        consul = FakeConsul.start();
    }

    @AfterEach
    void stop() {
        if (source != null) {
            source.close();
        }
        consul.close();
    }

    @Test
    void failuresInARowWaitLongerEachTimeUpToTheMaxAndASuccessStartsOver() {
        for (int i = 0; i < 5; i++) {
            consul.enqueue(new MockResponse.Builder().code(500).body("rpc error").build());
        }
        consul.enqueue(FakeConsul.answer(7, "[]"));
        consul.enqueue(new MockResponse.Builder().code(500).body("rpc error").build());
        consul.enqueue(new MockResponse.Builder().code(500).body("rpc error").build());
        RecordingListener listener = new RecordingListener();

        source = ConsulInstanceSource.builder("orders").address(consul.address())
                .backoff(Duration.ofSeconds(1), Duration.ofSeconds(4))
                .rateLimit(Duration.ZERO, 1)
                .waitTime(Duration.ofMillis(50))
                .scheduler(scheduler, scheduler.ticker())
                .build();
        source.subscribe(listener);
        List<Double> sent = runUntil(Duration.ofSeconds(20), 7);

        // Gaps after failures 1..5: at most 1 s, 2 s, 4 s, then capped at 4 s; each at least half its ceiling.
        List<Double> gaps = gaps(sent);
        assertThat(gaps.get(0)).isBetween(0.5 - 0.011, 1.0 + 0.011);
        assertThat(gaps.get(1)).isBetween(1.0 - 0.011, 2.0 + 0.011);
        assertThat(gaps.get(2)).isBetween(2.0 - 0.011, 4.0 + 0.011);
        assertThat(gaps.get(3)).isBetween(2.0 - 0.011, 4.0 + 0.011);
        assertThat(gaps.get(4)).isBetween(2.0 - 0.011, 4.0 + 0.011);
        // The success is followed at once by the next query, whose failure waits from 1 s again.
        assertThat(gaps.get(5)).isCloseTo(0.0, ONE_STEP);
        assertThat(scheduler.pending()).isEqualTo(1);
        assertThat(listener.failures()).hasSize(6);
        assertThat(listener.lists()).hasSize(2);
        assertThat(consul.indexesAsked()).containsExactly("-", "-", "-", "-", "-", "-", "7");
        long before = consul.requests().size();
        scheduler.advance(Duration.ofMillis(1000));
        assertThat(consul.requests().size()).isEqualTo(before + 1);
    }

    @Test
    void answersThatReturnAtOnceAreRateLimitedAfterABurstOfTwo() {
        // A proxy that does not hold blocking queries, or a churning service: every answer comes at once.
        for (int i = 0; i < 10; i++) {
            consul.enqueue(FakeConsul.answer(5, "[]"));
        }

        source = ConsulInstanceSource.builder("orders").address(consul.address())
                .waitTime(Duration.ofMillis(50))
                .scheduler(scheduler, scheduler.ticker())
                .build();
        List<Double> sent = runUntil(Duration.ofSeconds(50), 10);

        assertThat(sent).hasSize(5);
        assertThat(gaps(sent)).satisfiesExactly(
                gap -> assertThat(gap).isCloseTo(0.0, ONE_STEP),
                gap -> assertThat(gap).isCloseTo(15.0, ONE_STEP),
                gap -> assertThat(gap).isCloseTo(15.0, ONE_STEP),
                gap -> assertThat(gap).isCloseTo(15.0, ONE_STEP));
        assertThat(consul.indexesAsked()).containsExactly("-", "5", "5", "5", "5");
    }

    /**
     * Moves virtual time in steps of 10 ms, noting when (in seconds) each new query reached Consul;
     * the query sent by build() counts at 0.
     */
    private List<Double> runUntil(Duration end, int maxQueries) {
        List<Double> sent = new ArrayList<>();
        for (int i = 0; i < consul.requests().size(); i++) {
            sent.add(0.0);
        }
        long start = scheduler.nanoTime();
        while (scheduler.nanoTime() - start < end.toNanos() && sent.size() < maxQueries) {
            scheduler.advance(STEP);
            while (sent.size() < consul.requests().size()) {
                sent.add((scheduler.nanoTime() - start) / 1e9);
            }
        }
        return sent;
    }

    private static List<Double> gaps(List<Double> times) {
        List<Double> gaps = new ArrayList<>();
        for (int i = 1; i < times.size(); i++) {
            gaps.add(times.get(i) - times.get(i - 1));
        }
        return gaps;
    }
}
