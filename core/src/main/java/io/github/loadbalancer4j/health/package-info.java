/**
 * Active health checking: the {@link io.github.loadbalancer4j.health.HealthChecker} SPI and its
 * {@link io.github.loadbalancer4j.health.HealthCheckConfig}.
 */
@NullMarked
package io.github.loadbalancer4j.health;

import org.jspecify.annotations.NullMarked;
