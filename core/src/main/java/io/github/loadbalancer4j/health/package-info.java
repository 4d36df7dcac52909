/**
 * Active health checking: the {@link io.github.loadbalancer4j.health.HealthChecker} SPI and its
 * {@link io.github.loadbalancer4j.health.HealthCheckConfig}.
 *
 * <p>Nulls: every parameter and return value in this package is non-null unless it is annotated
 * {@code @Nullable} (jspecify {@code @NullMarked}). Passing null where it is not allowed throws a
 * {@link NullPointerException} naming the parameter; not every method repeats this in its
 * {@code @throws}.
 */
@NullMarked
package io.github.loadbalancer4j.health;

import org.jspecify.annotations.NullMarked;
