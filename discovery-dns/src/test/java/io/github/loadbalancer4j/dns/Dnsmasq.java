package io.github.loadbalancer4j.dns;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.loadbalancer4j.dns.internal.DnsQuerier;
import io.github.loadbalancer4j.testing.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * A real dnsmasq for one test class, on its own free port with its own config and hostsdir under a
 * temp dir. Zone {@code svc.test} is local (unknown names there are NXDOMAIN). Files written with
 * {@link #hosts(String, String)} are re-read by dnsmasq within about a second.
 */
final class Dnsmasq implements AutoCloseable {

    private static final String REQUIRE_BACKENDS = "loadbalancer4j.requireBackends";

    private final Path binary;
    private final ServerProcess server;
    private final Path dir;
    private final Path hostsDir;
    private final Path config;
    private final List<String> extraLines;
    private int port;

    private Dnsmasq(Path binary, List<String> extraLines) throws IOException {
        this.binary = binary;
        this.extraLines = extraLines;
        this.server = ServerProcess.inTempDir("lb4j-dnsmasq");
        this.dir = server.dir();
        this.hostsDir = Files.createDirectory(dir.resolve("hosts"));
        this.config = dir.resolve("dnsmasq.conf");
    }

    /**
     * Starts dnsmasq, or skips the calling test class when the binary is missing (fails instead under
     * {@code -Dloadbalancer4j.requireBackends=true}).
     */
    static Dnsmasq startOrSkip(String... extraConfigLines) throws IOException {
        Optional<Path> binary = findBinary();
        if (binary.isEmpty()) {
            String why = "dnsmasq is not on the PATH (install Debian's dnsmasq-base; scripts/backends.sh does)";
            if (Boolean.getBoolean(REQUIRE_BACKENDS)) {
                fail(why + " and -D" + REQUIRE_BACKENDS + "=true");
            }
            assumeTrue(false, why + ": skipping the DNS tests");
        }
        Dnsmasq dnsmasq = new Dnsmasq(binary.get(), List.of(extraConfigLines));
        dnsmasq.startOnFreePort();
        return dnsmasq;
    }

    static Optional<Path> findBinary() {
        return ServerProcess.findBinary("dnsmasq", null, "/usr/sbin", "/usr/local/sbin", "/sbin");
    }

    /** @return where dnsmasq listens, as {@code 127.0.0.1:port} */
    String address() {
        return "127.0.0.1:" + port;
    }

    /** Writes (atomically replaces) one hosts file in the hostsdir: lines of {@code address name}. */
    void hosts(String file, String content) {
        try {
            Path staging = Files.writeString(dir.resolve(file + ".tmp"), content, StandardCharsets.UTF_8);
            Files.move(staging, hostsDir.resolve(file), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes one hosts file; dnsmasq drops its records. */
    void removeHosts(String file) {
        try {
            Files.deleteIfExists(hostsDir.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asks this dnsmasq directly (no cache) for a name's A records, as address strings. */
    List<String> addressesOf(String name) throws Exception {
        DnsQuerier querier = new DnsQuerier(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), Duration.ofSeconds(1));
        List<String> out = new ArrayList<>();
        querier.query(Name.fromString(name, Name.root), Type.A)
                .forEach(r -> out.add(((org.xbill.DNS.ARecord) r).getAddress().getHostAddress()));
        out.sort(Comparator.naturalOrder());
        return out;
    }

    boolean isRunning() {
        return server.isRunning();
    }

    /** Stops the process and waits for it to exit; its port stays reserved for {@link #start()}. */
    void stop() throws InterruptedException {
        server.stop();
    }

    /** Starts the process again on the same port and waits until it answers. */
    void start() throws IOException {
        if (!launch()) {
            throw new IllegalStateException("dnsmasq did not start on port " + port + ": " + server.log());
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    private void startOnFreePort() throws IOException {
        for (int attempt = 0; attempt < 5; attempt++) {
            port = freePort();
            if (launch()) {
                return;
            }
        }
        throw new IllegalStateException("dnsmasq did not start: " + server.log());
    }

    /** @return whether dnsmasq started and answers; false if it exited (e.g. the port was taken) */
    private boolean launch() throws IOException {
        List<String> lines = new ArrayList<>(List.of(
                "port=" + port,
                "listen-address=127.0.0.1",
                "bind-interfaces",
                "no-resolv",
                "no-hosts",
                "keep-in-foreground",
                "log-facility=-", // into the server's log
                "pid-file=" + dir.resolve("dnsmasq.pid"),
                "local=/svc.test/",
                "hostsdir=" + hostsDir,
                "host-record=ready.svc.test,127.0.0.1"));
        if ("root".equals(System.getProperty("user.name"))) {
            lines.add("user=root");
        }
        lines.addAll(extraLines);
        Files.write(config, lines, StandardCharsets.UTF_8);
        return server.launch(List.of(binary.toString(), "--conf-file=" + config),
                () -> addressesOf("ready.svc.test").equals(List.of("127.0.0.1")), Duration.ofSeconds(10));
    }

    private static int freePort() throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        for (int i = 0; i < 20; i++) {
            try (DatagramSocket udp = new DatagramSocket(0, loopback)) {
                int candidate = udp.getLocalPort();
                try (ServerSocket tcp = new ServerSocket(candidate, 1, loopback)) {
                    return tcp.getLocalPort();
                } catch (IOException takenOverTcp) {
                    // try another
                }
            }
        }
        throw new IOException("no free port on 127.0.0.1 for dnsmasq");
    }
}
