/**
 * Micrometer meters for load balancers and their instances:
 * {@link io.github.loadbalancer4j.micrometer.TaggedLoadBalancerMetrics} is a {@code MeterBinder} in the
 * shape of resilience4j's {@code TaggedCircuitBreakerMetrics}.
 */
@NullMarked
package io.github.loadbalancer4j.micrometer;

import org.jspecify.annotations.NullMarked;
