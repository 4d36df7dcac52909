/**
 * Events a {@link io.github.loadbalancer4j.LoadBalancer} publishes through its
 * {@link io.github.loadbalancer4j.LoadBalancer.EventPublisher}.
 */
@NullMarked
package io.github.loadbalancer4j.event;

import org.jspecify.annotations.NullMarked;
