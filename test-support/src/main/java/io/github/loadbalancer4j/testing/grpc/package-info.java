/**
 * Real gRPC servers for tests: {@link io.github.loadbalancer4j.testing.grpc.LoopbackGrpcServers} on
 * 127.0.0.11-13 running the hand-written {@link io.github.loadbalancer4j.testing.grpc.TestService}
 * and the standard health service. Needs grpc-netty-shaded and grpc-services on the test classpath
 * (optional dependencies of test-support: a module that uses this package declares them).
 */
@NullMarked
package io.github.loadbalancer4j.testing.grpc;

import org.jspecify.annotations.NullMarked;
