/**
 * Failover for loadbalancer4j: {@link io.github.loadbalancer4j.retry.FailoverRetry} runs a resilience4j
 * {@code Retry} whose every attempt goes to an instance the call has not tried yet,
 * {@link io.github.loadbalancer4j.retry.RetryBudget} caps retries to a fraction of calls, and
 * {@link io.github.loadbalancer4j.retry.FailoverPredicates} says which failures are safe to move on from.
 *
 * <p>Nulls: every parameter and return value in this package is non-null unless it is annotated
 * {@code @Nullable} (jspecify {@code @NullMarked}). Passing null where it is not allowed throws a
 * {@link NullPointerException} naming the parameter; not every method repeats this in its
 * {@code @throws}.
 */
@NullMarked
package io.github.loadbalancer4j.retry;

import org.jspecify.annotations.NullMarked;
