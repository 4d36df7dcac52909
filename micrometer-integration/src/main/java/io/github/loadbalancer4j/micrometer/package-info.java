/**
 * Micrometer meters for load balancers and their instances:
 * {@link io.github.loadbalancer4j.micrometer.TaggedLoadBalancerMetrics} is a {@code MeterBinder} in the
 * shape of resilience4j's {@code TaggedCircuitBreakerMetrics};
 * {@link io.github.loadbalancer4j.micrometer.TaggedRetryBudgetMetrics} and
 * {@link io.github.loadbalancer4j.micrometer.TaggedHedgingMetrics} bind the retry budgets and hedgings of
 * the optional {@code loadbalancer4j-retry} module.
 *
 * <p>Nulls: every parameter and return value in this package is non-null unless it is annotated
 * {@code @Nullable} (jspecify {@code @NullMarked}). Passing null where it is not allowed throws a
 * {@link NullPointerException} naming the parameter; not every method repeats this in its
 * {@code @throws}.
 */
@NullMarked
package io.github.loadbalancer4j.micrometer;

import org.jspecify.annotations.NullMarked;
