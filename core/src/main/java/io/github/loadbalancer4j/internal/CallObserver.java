package io.github.loadbalancer4j.internal;

import io.github.loadbalancer4j.Candidate;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.jspecify.annotations.Nullable;

/**
 * Told of each call an {@link InstrumentedLoadBalancer} starts and ends, for metrics (the Micrometer
 * module). Called on the caller's thread, on the hot path: an implementation must be fast, must not
 * block and must not throw. When no observer is registered the load balancer pays one volatile
 * read of a null field per call. Public only for other loadbalancer4j modules; not API.
 */
public interface CallObserver {

    /** How an ended call was recorded on its instance's circuit breaker. */
    enum Outcome {
        /** Recorded as a success (including exceptions the breaker does not record as failures). */
        SUCCESSFUL,
        /** Recorded as a failure (an exception or a result the breaker's predicates count). */
        FAILED,
        /** Ignored by the breaker's {@code ignoreExceptions}. */
        IGNORED;

        /**
         * @param config the breaker's config
         * @param error what the call threw
         * @return how the breaker records that error
         */
        static Outcome ofError(CircuitBreakerConfig config, Throwable error) {
            if (config.getIgnoreExceptionPredicate().test(error)) {
                return IGNORED;
            }
            return config.getRecordExceptionPredicate().test(error) ? FAILED : SUCCESSFUL;
        }
    }

    /**
     * An instance was picked and its breaker's permission taken: a call starts on it. Exactly one
     * {@link #onEnded} follows, unless the call's lease is released (the call never ran).
     *
     * @param state the instance's state
     */
    void onSelected(Candidate state);

    /**
     * A call ended.
     *
     * @param state the instance's state
     * @param durationNanos the call's duration, as recorded on the breaker
     * @param outcome how it was recorded
     */
    void onEnded(Candidate state, long durationNanos, Outcome outcome);
}
