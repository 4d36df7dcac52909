/**
 * DNS discovery: {@link io.github.loadbalancer4j.dns.DnsInstanceSource} turns A/AAAA or SRV records
 * into a load balancer's instances and re-resolves them on its own interval, without the JVM's DNS cache.
 *
 * <p>Nulls: every parameter and return value in this package is non-null unless it is annotated
 * {@code @Nullable} (jspecify {@code @NullMarked}). Passing null where it is not allowed throws a
 * {@link NullPointerException} naming the parameter; not every method repeats this in its
 * {@code @throws}.
 */
@NullMarked
package io.github.loadbalancer4j.dns;

import org.jspecify.annotations.NullMarked;
