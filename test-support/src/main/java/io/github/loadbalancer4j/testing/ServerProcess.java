package io.github.loadbalancer4j.testing;

import static java.util.Objects.requireNonNull;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * A real server run as a process of the test's own (dnsmasq, etcd...) from a binary on this machine,
 * with a temporary directory for its files and its log. The test may stop it and launch it again
 * with the same command; {@link #close()} stops it and deletes the directory.
 */
public final class ServerProcess implements AutoCloseable {

    private final Path dir;
    private final Path log;
    private @Nullable Process process;

    private ServerProcess(Path dir) {
        this.dir = dir;
        this.log = dir.resolve("server.log");
    }

    /**
     * Creates the directory; nothing runs before {@link #launch}.
     *
     * @param name the start of the temporary directory's name, e.g. {@code lb4j-etcd}
     * @return the (not yet running) server
     * @throws IOException if the directory cannot be created
     */
    public static ServerProcess inTempDir(String name) throws IOException {
        return new ServerProcess(Files.createTempDirectory(requireNonNull(name, "name")));
    }

    /**
     * Finds an executable: first the one an environment variable names, then one on the PATH, then
     * one in the extra directories.
     *
     * @param name the executable's name, e.g. {@code etcd}
     * @param variable an environment variable that may hold its path, or null
     * @param extraDirs directories to look in after the PATH, e.g. {@code /usr/sbin}
     * @return the executable, or empty when there is none
     */
    public static Optional<Path> findBinary(String name, @Nullable String variable, String... extraDirs) {
        String configured = variable == null ? null : System.getenv(variable);
        if (configured != null && !configured.isBlank() && Files.isExecutable(Paths.get(configured))) {
            return Optional.of(Paths.get(configured));
        }
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(List.of(extraDirs));
        return dirs.stream()
                .filter(d -> !d.isEmpty())
                .map(d -> Paths.get(d, name))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /**
     * @return a TCP port of 127.0.0.1 free a moment ago (another process may take it before the server
     *     does: a server that fails to bind exits, and {@link #launch} says so)
     * @throws IOException if no port could be bound
     */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /** @return the server's directory, for its configuration and data */
    public Path dir() {
        return dir;
    }

    /**
     * Starts the command (its output appended to the log) and waits until {@code ready} holds or the
     * process exits.
     *
     * @param command the binary and its arguments
     * @param ready whether the server answers; exceptions count as not yet
     * @param bound the longest wait
     * @return true when the server runs and is ready; false when it exited (a port taken, say) or was
     *     not ready in time (then it is killed)
     * @throws IOException if the process cannot be started
     */
    public boolean launch(List<String> command, Callable<Boolean> ready, Duration bound) throws IOException {
        Process started = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        process = started;
        try {
            Awaitility.await().atMost(bound).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                    .until(() -> !started.isAlive() || ready.call());
        } catch (ConditionTimeoutException e) {
            started.destroyForcibly();
            return false;
        }
        return started.isAlive();
    }

    /** @return whether the process runs now */
    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /**
     * Stops the process (SIGTERM, then SIGKILL after 10 s) and waits for it to exit.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void stop() throws InterruptedException {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** @return what the server wrote so far, for failure messages */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Stops the process and deletes its directory. */
    @Override
    public void close() throws IOException {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
