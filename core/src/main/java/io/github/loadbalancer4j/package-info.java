/**
 * Client-side load balancing in the style of resilience4j: {@link io.github.loadbalancer4j.LoadBalancer}
 * decorates plain functional calls, picks an available {@link io.github.loadbalancer4j.ServiceInstance}
 * with a {@link io.github.loadbalancer4j.SelectionStrategy} and keeps sick instances out with one
 * resilience4j circuit breaker per instance.
 *
 * <p>Nulls: every parameter and return value in this package is non-null unless it is annotated
 * {@code @Nullable} (jspecify {@code @NullMarked}). Passing null where it is not allowed throws a
 * {@link NullPointerException} naming the parameter; not every method repeats this in its
 * {@code @throws}.
 */
@NullMarked
package io.github.loadbalancer4j;

import org.jspecify.annotations.NullMarked;
