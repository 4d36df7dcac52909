/**
 * Instances from Consul: {@link io.github.loadbalancer4j.consul.ConsulInstanceSource} follows the
 * healthy instances of a service through Consul's HTTP health API with blocking queries, over OkHttp,
 * and pushes every change to the load balancers subscribed to it.
 *
 * <p>Nulls: every parameter and return value in this package is non-null unless it is annotated
 * {@code @Nullable} (jspecify {@code @NullMarked}). Passing null where it is not allowed throws a
 * {@link NullPointerException} naming the parameter; not every method repeats this in its
 * {@code @throws}.
 */
@NullMarked
package io.github.loadbalancer4j.consul;

import org.jspecify.annotations.NullMarked;
