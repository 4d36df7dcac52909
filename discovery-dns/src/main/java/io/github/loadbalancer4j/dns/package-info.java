/**
 * DNS discovery: {@link io.github.loadbalancer4j.dns.DnsInstanceSource} turns A/AAAA or SRV records
 * into a load balancer's instances and re-resolves them on its own interval, without the JVM's DNS cache.
 */
@NullMarked
package io.github.loadbalancer4j.dns;

import org.jspecify.annotations.NullMarked;
