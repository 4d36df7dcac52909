/**
 * vavr flavours of the load balancer's decorators: {@link io.github.loadbalancer4j.vavr.VavrLoadBalancer}
 * returns {@code CheckedFunction0}, {@code Supplier<Try<T>>} and {@code Supplier<Either<Exception, T>>},
 * as resilience4j-vavr does for a circuit breaker. Core stays free of vavr.
 */
@NullMarked
package io.github.loadbalancer4j.vavr;

import org.jspecify.annotations.NullMarked;
