package io.github.loadbalancer4j.retry;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.retry.event.RetryBudgetExhaustedEvent;
import io.github.loadbalancer4j.retry.internal.TokenRetryBudget;
import io.github.resilience4j.core.EventConsumer;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Caps retries so that a sick service is not hit by a retry storm (Finagle's retry budget): over a
 * sliding window of {@link #getTtl() ttl}, retries may be at most {@link #getPercentCanRetry() percentCanRetry}
 * of the calls made plus a floor of {@link #getMinRetriesPerSecond() minRetriesPerSecond} for each second
 * of the window. With the defaults (20%, 10 a second, 10 s) 1,000 calls in 10 s may cause at most
 * 100 + 200 = 300 retries, and a service that gets no calls still allows 100 retries per 10 s.
 *
 * <p>Every call {@link #deposit() deposits} once; every retry must {@link #tryWithdraw() withdraw} first
 * and does not happen when the withdrawal is refused. A refusal is counted
 * ({@link #getNumberOfRefusedRetries()}) and published as a {@link RetryBudgetExhaustedEvent}.
 *
 * <p>Share one budget among every decorated call of one service: {@link FailoverRetry}'s overloads take a
 * budget; those that do not use {@link FailoverRetry#defaultBudget(io.github.loadbalancer4j.LoadBalancer)},
 * one per load balancer.
 *
 * <p>Thread-safe; {@link #deposit()} is a few atomic operations and takes no lock.
 */
public interface RetryBudget {

    /** Default share of calls that may be retried: 20%. */
    double DEFAULT_PERCENT_CAN_RETRY = 0.2;
    /** Default floor: 10 retries a second. */
    int DEFAULT_MIN_RETRIES_PER_SECOND = 10;
    /** Default window: 10 s. */
    Duration DEFAULT_TTL = Duration.ofSeconds(10);
    /** Default name. */
    String DEFAULT_NAME = "retry-budget";

    /**
     * Returns a budget with the defaults: 20% of calls, 10 retries a second, over 10 s.
     *
     * @return a new budget
     */
    static RetryBudget ofDefaults() {
        return custom().build();
    }

    /**
     * Returns a budget with the defaults, named.
     *
     * @param name the name, in events
     * @return a new budget
     */
    static RetryBudget ofDefaults(String name) {
        return custom().name(name).build();
    }

    /**
     * Returns a budget that never refuses a retry: the {@code Retry} alone decides. Its balance reads
     * as positive infinity; granted retries are still counted.
     *
     * @return a new budget
     */
    static RetryBudget unlimited() {
        return TokenRetryBudget.unlimited();
    }

    /** @return a builder starting from the defaults */
    static Builder custom() {
        return new Builder();
    }

    /** Records one call made (not a retry). Call it once per call, before its first attempt. */
    void deposit();

    /**
     * Asks for one retry. When the answer is yes the retry is paid for (the balance goes down by one);
     * when it is no, the refusal is counted and a {@link RetryBudgetExhaustedEvent} published.
     *
     * @return whether one more retry may happen
     */
    boolean tryWithdraw();

    /**
     * The retries that could happen now. May be slightly negative for a while when the calls that
     * paid for retries leave the window before the retries do.
     *
     * @return the balance, in retries
     */
    double getBalance();

    /** @return retries refused since the budget was made */
    long getNumberOfRefusedRetries();

    /** @return retries granted since the budget was made */
    long getNumberOfGrantedRetries();

    /** @return the name, in events */
    String getName();

    /** @return the share of calls that may be retried, 0.2 meaning 20% */
    double getPercentCanRetry();

    /** @return the retries a second that are allowed however few calls there are */
    int getMinRetriesPerSecond();

    /** @return how long a call or a retry is remembered */
    Duration getTtl();

    /** @return where to register consumers of {@link RetryBudgetExhaustedEvent}s */
    EventPublisher getEventPublisher();

    /** Where consumers of a budget's events register. Consumers' exceptions are logged, never thrown. */
    interface EventPublisher extends io.github.resilience4j.core.EventPublisher<RetryBudgetExhaustedEvent> {
        /**
         * @param consumer called for each refused retry
         * @return this publisher
         */
        EventPublisher onExhausted(EventConsumer<RetryBudgetExhaustedEvent> consumer);
    }

    /** Builds a {@link RetryBudget}. Every setter checks its value at once. */
    final class Builder {
        private String name = DEFAULT_NAME;
        private double percentCanRetry = DEFAULT_PERCENT_CAN_RETRY;
        private int minRetriesPerSecond = DEFAULT_MIN_RETRIES_PER_SECOND;
        private Duration ttl = DEFAULT_TTL;
        private LongSupplier ticker = System::nanoTime;

        private Builder() {
        }

        /**
         * @param name the name, in events and {@code toString()}
         * @return this builder
         * @throws IllegalArgumentException if the name is blank
         */
        public Builder name(String name) {
            requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("name: '" + name + "' (expected: a non-blank name)");
            }
            this.name = name;
            return this;
        }

        /**
         * Sets the share of calls that may be retried, as a fraction: 0.2 lets 2 of every 10 calls
         * retry once. Above 1 a call may on average retry more than once.
         *
         * @param percentCanRetry from 0.0 to 10.0 (default 0.2)
         * @return this builder
         * @throws IllegalArgumentException if out of range or not a number
         */
        public Builder percentCanRetry(double percentCanRetry) {
            if (!(percentCanRetry >= 0.0 && percentCanRetry <= TokenRetryBudget.MAX_PERCENT_CAN_RETRY)) {
                throw new IllegalArgumentException("percentCanRetry: " + percentCanRetry
                        + " (expected: 0.0-10.0, a fraction of calls: 0.2 is 20%)");
            }
            this.percentCanRetry = percentCanRetry;
            return this;
        }

        /**
         * Sets the floor: retries a second allowed however few calls there are, so that a lightly used
         * service can still retry.
         *
         * @param minRetriesPerSecond from 0 to 1,000,000 (default 10)
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder minRetriesPerSecond(int minRetriesPerSecond) {
            if (minRetriesPerSecond < 0 || minRetriesPerSecond > TokenRetryBudget.MAX_MIN_RETRIES_PER_SECOND) {
                throw new IllegalArgumentException("minRetriesPerSecond: " + minRetriesPerSecond
                        + " (expected: 0-" + TokenRetryBudget.MAX_MIN_RETRIES_PER_SECOND + ")");
            }
            this.minRetriesPerSecond = minRetriesPerSecond;
            return this;
        }

        /**
         * Sets how long a call or a retry is remembered. The window moves in tenths of it.
         *
         * @param ttl from 1 s to 60 s (default 10 s)
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder ttl(Duration ttl) {
            requireNonNull(ttl, "ttl");
            if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(Duration.ofSeconds(60)) > 0) {
                throw new IllegalArgumentException("ttl: " + ttl + " (expected: 1 s-60 s)");
            }
            this.ttl = ttl;
            return this;
        }

        /**
         * Sets the nanosecond ticker the window is measured with; tests inject one so that no test
         * waits for time to pass.
         *
         * @param ticker like {@code System::nanoTime} (the default)
         * @return this builder
         */
        public Builder ticker(LongSupplier ticker) {
            this.ticker = requireNonNull(ticker, "ticker");
            return this;
        }

        /** @return a new budget, empty but for its floor */
        public RetryBudget build() {
            return new TokenRetryBudget(name, percentCanRetry, minRetriesPerSecond, ttl, ticker);
        }
    }
}
