/**
 * The demo a newcomer runs first ({@code scripts/demo.sh}): three local HTTP backends, one of which
 * starts failing, and a few thousand OkHttp calls to {@code http://orders/...} through a
 * {@code LoadBalancingInterceptor} with failover, whose {@link io.github.loadbalancer4j.LoadBalancer}
 * isolates it. Start with {@link io.github.loadbalancer4j.examples.Demo}.
 */
@NullMarked
package io.github.loadbalancer4j.examples;

import org.jspecify.annotations.NullMarked;
