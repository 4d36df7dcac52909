/**
 * The implementation of the gRPC integration: the gRPC load balancer behind the {@code loadbalancer4j}
 * policy, its picker and stream tracer, the policy config, and the call that fails over. Not API.
 */
@NullMarked
package io.github.loadbalancer4j.grpc.internal;

import org.jspecify.annotations.NullMarked;
