/**
 * Kubernetes discovery: {@link io.github.loadbalancer4j.kubernetes.KubernetesInstanceSource} follows
 * the EndpointSlices of a Service and gives a load balancer its ready endpoints.
 */
@NullMarked
package io.github.loadbalancer4j.kubernetes;

import org.jspecify.annotations.NullMarked;
