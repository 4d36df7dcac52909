package io.github.loadbalancer4j.etcd;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.loadbalancer4j.testing.ServerProcess;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A real etcd of a test's own (Debian's {@code etcd-server}), on free ports of 127.0.0.1 with its own
 * data dir, that the test may stop and start again (same ports, same data). Started with a 10 ms
 * heartbeat and a 50 ms election timeout: it is leader at once, and leases may be as short as 1 s.
 */
final class EtcdServer implements AutoCloseable {

    private static final Duration START_BOUND = Duration.ofSeconds(10);

    private final Path binary;
    private final ServerProcess server;
    private int clientPort;
    private int peerPort;

    private EtcdServer(Path binary, ServerProcess server) {
        this.binary = binary;
        this.server = server;
    }

    /**
     * Starts etcd, or skips the calling test when the binary is missing (fails instead under
     * {@code -Dloadbalancer4j.requireBackends=true}).
     */
    static EtcdServer startOrSkip() throws IOException {
        Optional<Path> binary = ServerProcess.findBinary("etcd", "LB4J_ETCD_BINARY", "/usr/bin");
        if (binary.isEmpty()) {
            String why = "etcd is not in LB4J_ETCD_BINARY nor on the PATH (install Debian's etcd-server; scripts/backends.sh does)";
            if (Boolean.getBoolean(SharedEtcd.REQUIRE_BACKENDS)) {
                fail(why + " and -D" + SharedEtcd.REQUIRE_BACKENDS + "=true");
            }
            assumeTrue(false, why + ": skipping the tests that run their own etcd");
        }
        EtcdServer etcd = new EtcdServer(binary.get(), ServerProcess.inTempDir("lb4j-etcd"));
        for (int attempt = 0; attempt < 5; attempt++) {
            etcd.clientPort = ServerProcess.freePort();
            etcd.peerPort = ServerProcess.freePort();
            if (etcd.clientPort != etcd.peerPort && etcd.launch()) {
                return etcd;
            }
        }
        String log = etcd.server.log();
        etcd.close();
        throw new IllegalStateException("etcd did not start: " + log);
    }

    /** @return the client URL, {@code http://127.0.0.1:port} */
    String endpoint() {
        return "http://127.0.0.1:" + clientPort;
    }

    /** @return the client address, for a proxy in front of it */
    InetSocketAddress clientAddress() {
        return new InetSocketAddress("127.0.0.1", clientPort);
    }

    /** Stops etcd (SIGTERM) and waits for it to exit; its ports and data stay for {@link #start()}. */
    void stop() throws InterruptedException {
        server.stop();
    }

    /** Starts etcd again, on the same ports with the same data, and waits until it is healthy. */
    void start() throws IOException {
        if (!launch()) {
            throw new IllegalStateException("etcd did not start again on port " + clientPort + ": " + server.log());
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    private boolean launch() throws IOException {
        String peer = "http://127.0.0.1:" + peerPort;
        return server.launch(List.of(binary.toString(),
                "--name", "lb4j-test",
                "--data-dir", server.dir().resolve("data").toString(),
                "--listen-client-urls", endpoint(),
                "--advertise-client-urls", endpoint(),
                "--listen-peer-urls", peer,
                "--initial-advertise-peer-urls", peer,
                "--initial-cluster", "lb4j-test=" + peer,
                "--heartbeat-interval", "10",
                "--election-timeout", "50",
                "--logger", "zap",
                "--log-level", "warn"), this::healthy, START_BOUND);
    }

    private boolean healthy() throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(endpoint() + "/health").openConnection();
        c.setConnectTimeout(200);
        c.setReadTimeout(500);
        try (InputStream in = c.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).contains("\"health\":\"true\"");
        } finally {
            c.disconnect();
        }
    }
}
