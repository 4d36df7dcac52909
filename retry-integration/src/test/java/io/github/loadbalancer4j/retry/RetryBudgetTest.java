package io.github.loadbalancer4j.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.loadbalancer4j.retry.event.RetryBudgetExhaustedEvent;
import io.github.loadbalancer4j.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {

    private final MutableClock clock = new MutableClock();
    private final LongSupplier ticker = clock.ticker();

    @Test
    void defaultsAreTwentyPercentPlusTenASecondOverTenSeconds() {
        RetryBudget budget = RetryBudget.ofDefaults();

        assertThat(budget.getPercentCanRetry()).isEqualTo(0.2);
        assertThat(budget.getMinRetriesPerSecond()).isEqualTo(10);
        assertThat(budget.getTtl()).isEqualTo(Duration.ofSeconds(10));
        assertThat(budget.getBalance()).isEqualTo(100.0);
    }

    @Test
    void withoutCallsTheFloorAllowsMinRetriesPerSecondTimesTtl() {
        RetryBudget budget = RetryBudget.custom().percentCanRetry(0.0).minRetriesPerSecond(10)
                .ttl(Duration.ofSeconds(10)).ticker(ticker).build();

        int granted = 0;
        for (int i = 0; i < 1_000; i++) {
            granted += budget.tryWithdraw() ? 1 : 0;
        }

        assertThat(granted).isEqualTo(100);
        assertThat(budget.getNumberOfGrantedRetries()).isEqualTo(100);
        assertThat(budget.getNumberOfRefusedRetries()).isEqualTo(900);
        assertThat(budget.getBalance()).isZero();
    }

    @Test
    void eachCallPaysForItsShareOfARetry() {
        RetryBudget budget = RetryBudget.custom().percentCanRetry(0.2).minRetriesPerSecond(0).ticker(ticker).build();

        for (int i = 0; i < 4; i++) {
            budget.deposit();
        }
        boolean afterFourCalls = budget.tryWithdraw();
        budget.deposit();
        boolean afterFiveCalls = budget.tryWithdraw();

        assertThat(afterFourCalls).isFalse();
        assertThat(afterFiveCalls).isTrue();
        assertThat(budget.getBalance()).isZero();
    }

    @Test
    void callsAndRetriesLeaveTheWindowAfterTtl() {
        RetryBudget budget = RetryBudget.custom().percentCanRetry(0.5).minRetriesPerSecond(1)
                .ttl(Duration.ofSeconds(10)).ticker(ticker).build();
        for (int i = 0; i < 100; i++) {
            budget.deposit();
        }
        for (int i = 0; i < 60; i++) {
            budget.tryWithdraw();
        }
        double before = budget.getBalance();

        clock.advance(Duration.ofSeconds(9));
        double withinTtl = budget.getBalance();
        clock.advance(Duration.ofSeconds(1));
        double afterTtl = budget.getBalance();

        assertThat(before).isEqualTo(10 + 50 - 60);
        assertThat(withinTtl).isEqualTo(before);
        assertThat(afterTtl).isEqualTo(10.0);
        assertThat(budget.tryWithdraw()).isTrue();
    }

    @Test
    void theWindowSlidesInTenthsOfTtl() {
        RetryBudget budget = RetryBudget.custom().percentCanRetry(1.0).minRetriesPerSecond(0)
                .ttl(Duration.ofSeconds(10)).ticker(ticker).build();
        budget.deposit(); // at 0 s
        clock.advance(Duration.ofSeconds(5));
        budget.deposit(); // at 5 s

        clock.advance(Duration.ofSeconds(5)); // 10 s: the first call is forgotten
        double afterFirstExpired = budget.getBalance();
        clock.advance(Duration.ofSeconds(5)); // 15 s: both forgotten
        double afterBothExpired = budget.getBalance();

        assertThat(afterFirstExpired).isEqualTo(1.0);
        assertThat(afterBothExpired).isZero();
    }

    @Test
    void concurrentWithdrawalsNeverOverdraw() throws InterruptedException {
        RetryBudget budget = RetryBudget.custom().percentCanRetry(0.2).minRetriesPerSecond(10).ticker(ticker).build();
        AtomicInteger granted = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(new Thread(() -> {
                awaitQuietly(start);
                for (int i = 0; i < 1_000; i++) {
                    budget.deposit();
                    granted.addAndGet(budget.tryWithdraw() ? 1 : 0);
                    granted.addAndGet(budget.tryWithdraw() ? 1 : 0);
                }
            }));
        }
        threads.forEach(Thread::start);

        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }

        // 10/s x 10 s + 20% of 8,000 calls; every call tried twice, so the whole budget was asked for.
        assertThat(granted.get()).isEqualTo(100 + 1_600);
        assertThat(budget.getBalance()).isZero();
    }

    @Test
    void refusedRetriesAreCountedAndPublished() {
        RetryBudget budget = RetryBudget.custom().name("orders").percentCanRetry(0.0).minRetriesPerSecond(0)
                .ticker(ticker).build();
        List<RetryBudgetExhaustedEvent> events = new CopyOnWriteArrayList<>();
        budget.getEventPublisher().onExhausted(events::add);

        boolean granted = budget.tryWithdraw();

        assertThat(granted).isFalse();
        assertThat(budget.getNumberOfRefusedRetries()).isEqualTo(1);
        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.getBudgetName()).isEqualTo("orders");
            assertThat(event.getBalance()).isZero();
            assertThat(event.toString()).contains("RetryBudget 'orders' refused a retry");
        });
    }

    @Test
    void aFailingEventConsumerDoesNotBreakTheBudget() {
        RetryBudget budget = RetryBudget.custom().percentCanRetry(0.0).minRetriesPerSecond(0).ticker(ticker).build();
        budget.getEventPublisher().onExhausted(event -> {
            throw new IllegalStateException("consumer bug");
        });

        boolean granted = budget.tryWithdraw();

        assertThat(granted).isFalse();
        assertThat(budget.getNumberOfRefusedRetries()).isEqualTo(1);
    }

    @Test
    void unlimitedNeverRefuses() {
        RetryBudget budget = RetryBudget.unlimited();

        int granted = 0;
        for (int i = 0; i < 10_000; i++) {
            granted += budget.tryWithdraw() ? 1 : 0;
        }

        assertThat(granted).isEqualTo(10_000);
        assertThat(budget.getBalance()).isInfinite();
    }

    @Test
    void badSettingsFailWithClearMessages() {
        RetryBudget.Builder builder = RetryBudget.custom();

        assertThatThrownBy(() -> builder.percentCanRetry(-0.1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("percentCanRetry: -0.1 (expected: 0.0-10.0, a fraction of calls: 0.2 is 20%)");
        assertThatThrownBy(() -> builder.percentCanRetry(20)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("percentCanRetry: 20.0 (expected: 0.0-10.0");
        assertThatThrownBy(() -> builder.percentCanRetry(Double.NaN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("percentCanRetry: NaN");
        assertThatThrownBy(() -> builder.minRetriesPerSecond(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("minRetriesPerSecond: -1 (expected: 0-1000000)");
        assertThatThrownBy(() -> builder.ttl(Duration.ofMillis(500))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ttl: PT0.5S (expected: 1 s-60 s)");
        assertThatThrownBy(() -> builder.ttl(Duration.ofMinutes(2))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ttl: PT2M (expected: 1 s-60 s)");
        assertThatThrownBy(() -> builder.name(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name: ' ' (expected: a non-blank name)");
        assertThatThrownBy(() -> builder.ticker(null)).isInstanceOf(NullPointerException.class).hasMessage("ticker");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
