/**
 * Shared test fixtures for every loadbalancer4j module's tests: virtual time ({@link
 * io.github.loadbalancer4j.testing.MutableClock}, {@link io.github.loadbalancer4j.testing.ManualScheduler}),
 * real loopback HTTP servers ({@link io.github.loadbalancer4j.testing.LoopbackBackends},
 * {@link io.github.loadbalancer4j.testing.NoDelayServerSocketFactory}), callers in a loop that
 * record who answered ({@link io.github.loadbalancer4j.testing.CallLoop}), a recording listener
 * ({@link io.github.loadbalancer4j.testing.RecordingListener}), the backends of {@code scripts/backends.sh}
 * ({@link io.github.loadbalancer4j.testing.ScriptBackends}) and real gRPC servers (package {@code grpc}).
 * Not published.
 */
@NullMarked
package io.github.loadbalancer4j.testing;

import org.jspecify.annotations.NullMarked;
