/**
 * Micrometer meters for load balancers and their instances:
 * {@link io.github.loadbalancer4j.micrometer.TaggedLoadBalancerMetrics} is a {@code MeterBinder} in the
 * shape of resilience4j's {@code TaggedCircuitBreakerMetrics};
 * {@link io.github.loadbalancer4j.micrometer.TaggedRetryBudgetMetrics} binds the retry budgets of the
 * optional {@code loadbalancer4j-retry} module.
 */
@NullMarked
package io.github.loadbalancer4j.micrometer;

import org.jspecify.annotations.NullMarked;
