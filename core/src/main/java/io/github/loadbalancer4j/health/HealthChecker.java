package io.github.loadbalancer4j.health;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.ServiceInstance;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Checks one instance. The load balancer calls {@link #check} on one of its health-check threads,
 * never on a caller's thread, and applies the timeout itself as well: a stage that has not completed
 * by then counts as a failed check.
 *
 * <p>Core ships {@link #tcp()}; the OkHttp module adds an HTTP checker.
 */
@FunctionalInterface
public interface HealthChecker {

    /**
     * Checks an instance. May block (for at most {@code timeout}) and return a completed stage, or
     * return at once and complete later.
     *
     * @param instance the instance to check
     * @param timeout how long the check may take
     * @return true if the instance is healthy; false, or a failed stage, if not
     */
    CompletionStage<Boolean> check(ServiceInstance instance, Duration timeout);

    /**
     * A check that opens a TCP connection to the instance's host and port and closes it again.
     *
     * @return the checker
     */
    static HealthChecker tcp() {
        return TcpHealthChecker.INSTANCE;
    }

    /** Opens and closes a TCP connection; blocks the health-check thread for at most the timeout. */
    final class TcpHealthChecker implements HealthChecker {
        static final TcpHealthChecker INSTANCE = new TcpHealthChecker();

        private TcpHealthChecker() {
        }

        @Override
        public CompletionStage<Boolean> check(ServiceInstance instance, Duration timeout) {
            requireNonNull(instance, "instance");
            requireNonNull(timeout, "timeout");
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(instance.host(), instance.port()),
                        (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
                return CompletableFuture.completedFuture(true);
            } catch (IOException e) {
                return CompletableFuture.completedFuture(false);
            }
        }

        @Override
        public String toString() {
            return "HealthChecker.tcp()";
        }
    }
}
