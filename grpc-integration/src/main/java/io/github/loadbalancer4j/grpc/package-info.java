/**
 * gRPC-java channels balanced by loadbalancer4j: {@link io.github.loadbalancer4j.grpc.InstanceSourceNameResolverProvider}
 * turns any {@code InstanceSource} into a channel's addresses, {@link io.github.loadbalancer4j.grpc.BalancingPolicyProvider}
 * is the {@code loadbalancer4j} load-balancing policy (our selection strategies and per-instance circuit
 * breakers over the READY subchannels), {@link io.github.loadbalancer4j.grpc.FailoverInterceptor} moves
 * a failed call of a safe method to an instance it has not tried, and
 * {@link io.github.loadbalancer4j.grpc.GrpcHealthChecker} is {@code grpc.health.v1.Health/Check} as a
 * {@code HealthChecker}.
 */
@NullMarked
package io.github.loadbalancer4j.grpc;

import org.jspecify.annotations.NullMarked;
