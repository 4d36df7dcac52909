package io.github.loadbalancer4j.spring;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.internal.Durations;
import io.github.loadbalancer4j.spring.internal.HttpOutcomes;
import java.time.Clock;
import java.time.Duration;
import java.util.function.IntPredicate;

/**
 * What the RestClient interceptor's and the WebClient filter's builders share: the routes, and how a
 * response ends its instance's lease.
 *
 * @param <B> the builder's own type
 */
abstract class HttpClientBuilder<B extends HttpClientBuilder<B>> {

    final LoadBalancerRoutes routes;
    private IntPredicate failureStatus = LoadBalancingClientHttpRequestInterceptor.DEFAULT_FAILURE_STATUS;
    private Duration maxRetryAfter = LoadBalancingClientHttpRequestInterceptor.DEFAULT_MAX_RETRY_AFTER;
    private Clock clock = Clock.systemUTC();

    HttpClientBuilder(LoadBalancerRoutes routes) {
        this.routes = requireNonNull(routes, "routes");
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /**
     * Sets which statuses count as a failure of the instance that sent them (on its circuit breaker and
     * in its latency statistics).
     *
     * @param isFailure tells whether a status is a failure; default 429 and 5xx
     * @return this builder
     */
    public B failureStatus(IntPredicate isFailure) {
        this.failureStatus = requireNonNull(isFailure, "isFailure");
        return self();
    }

    /**
     * Caps how long a {@code Retry-After} on a 429 or 503 failure keeps its instance out of selection.
     *
     * @param max {@code >= 0}; zero never holds an instance; default 60 s
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public B maxRetryAfter(Duration max) {
        this.maxRetryAfter = Durations.requireNonNegative("maxRetryAfter", max);
        return self();
    }

    /**
     * Sets the clock that {@code Retry-After} dates are measured against.
     *
     * @param clock the clock
     * @return this builder
     */
    public B clock(Clock clock) {
        this.clock = requireNonNull(clock, "clock");
        return self();
    }

    HttpOutcomes outcomes() {
        return new HttpOutcomes(failureStatus, maxRetryAfter, clock);
    }
}
