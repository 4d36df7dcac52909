/**
 * vavr flavours of the load balancer's decorators: {@link io.github.loadbalancer4j.vavr.VavrLoadBalancer}
 * returns {@code CheckedFunction0}, {@code Supplier<Try<T>>} and {@code Supplier<Either<Exception, T>>},
 * as resilience4j-vavr does for a circuit breaker. Core stays free of vavr.
 *
 * <p>Nulls: every parameter and return value in this package is non-null unless it is annotated
 * {@code @Nullable} (jspecify {@code @NullMarked}). Passing null where it is not allowed throws a
 * {@link NullPointerException} naming the parameter; not every method repeats this in its
 * {@code @throws}.
 */
@NullMarked
package io.github.loadbalancer4j.vavr;

import org.jspecify.annotations.NullMarked;
