/**
 * Events published by {@link io.github.loadbalancer4j.retry.RetryBudget} and {@link io.github.loadbalancer4j.retry.Hedging}.
 *
 * <p>Nulls: every parameter and return value in this package is non-null unless it is annotated
 * {@code @Nullable} (jspecify {@code @NullMarked}). Passing null where it is not allowed throws a
 * {@link NullPointerException} naming the parameter; not every method repeats this in its
 * {@code @throws}.
 */
@NullMarked
package io.github.loadbalancer4j.retry.event;

import org.jspecify.annotations.NullMarked;
