package io.github.loadbalancer4j.etcd;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The etcd that {@code scripts/backends.sh} starts (its client URL in {@code LB4J_ETCD_ENDPOINT}),
 * shared by the tests that neither stop it nor compact it. Each test works under a prefix of its own.
 */
final class SharedEtcd {

    static final String REQUIRE_BACKENDS = "loadbalancer4j.requireBackends";

    private SharedEtcd() {
    }

    /**
     * @return the endpoint, e.g. {@code http://127.0.0.1:23790}; skips the calling test when it is not
     *     set (fails instead under {@code -Dloadbalancer4j.requireBackends=true})
     */
    static String endpointOrSkip() {
        String endpoint = System.getenv("LB4J_ETCD_ENDPOINT");
        if (endpoint == null || endpoint.isBlank()) {
            String why = "LB4J_ETCD_ENDPOINT is not set (run scripts/test.sh, or source scripts/backends.sh)";
            if (Boolean.getBoolean(REQUIRE_BACKENDS)) {
                fail(why + " and -D" + REQUIRE_BACKENDS + "=true");
            }
            assumeTrue(false, why + ": skipping the etcd tests");
        }
        return endpoint;
    }

    /**
     * Reads from etcd's metrics how many watchers it serves now, to see a source's watch come and go
     * on the server's side.
     *
     * @param endpoint an etcd client URL
     * @return etcd's {@code etcd_debugging_mvcc_watcher_total}
     */
    static long watchers(String endpoint) {
        String metric = "etcd_debugging_mvcc_watcher_total ";
        try (InputStream in = new URL(endpoint + "/metrics").openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(line -> line.startsWith(metric))
                    .mapToLong(line -> (long) Double.parseDouble(line.substring(metric.length()).trim()))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no " + metric.trim() + " in etcd's metrics"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return a prefix no other test uses, e.g. {@code /lb4j-test/orders-1b2c.../} */
    static String uniquePrefix(String service) {
        return "/lb4j-test/" + service + "-" + UUID.randomUUID() + "/";
    }
}
