package io.github.loadbalancer4j.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.PutOption;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.ServiceInstance;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code java} examples of {@code docs/etcd.md}, word for word between the marked lines, run
 * against the etcd of the test script. They print what the page shows; the tests check that output.
 */
class EtcdDocsExampleTest {

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private PrintStream console;
    private String endpoint;

    @BeforeEach
    void captureOutput() {
        endpoint = SharedEtcd.endpointOrSkip();
        console = System.out;
        System.setOut(new PrintStream(printed, true, UTF_8));
    }

    @AfterEach
    void restoreOutput() {
        if (endpoint == null) {
            return; // skipped: no etcd, output never captured
        }
        System.setOut(console);
        try (Registrar registrar = new Registrar(endpoint, "/services/orders/")) {
            registrar.deregisterAll();
        }
    }

    @Test
    void sourceAndLoadBalancerExample() throws Exception {
        // --- docs/etcd.md, "Example" ---
        // What an instance of "orders" does at startup (go-kit's sd/etcdv3 registrar does the same):
        // its address under the service's prefix, with a lease it keeps alive while it runs.
        Client registry = Client.builder().endpoints(endpoint).build();
        long lease = registry.getLeaseClient().grant(10).get().getID();
        registry.getKVClient().put(
                ByteSequence.from("/services/orders/10.0.1.10:8080", UTF_8),
                ByteSequence.from("{\"address\": \"10.0.1.10:8080\", \"weight\": 2, \"zone\": \"eu-1\"}", UTF_8),
                PutOption.builder().withLeaseId(lease).build()).get();

        // The client side: a source that follows the prefix, and a load balancer over it.
        try (EtcdInstanceSource orders = EtcdInstanceSource.builder("/services/orders/")
                     .endpoints(endpoint)
                     .build();
             LoadBalancer lb = LoadBalancer.of("orders", orders)) {
            Supplier<URI> getOrder = LoadBalancer.decorateSupplier(lb, instance -> instance.uri("/orders/42"));
            System.out.println(orders.instances());   // [ServiceInstance{10.0.1.10:8080, weight=2, zone=eu-1}]
            System.out.println(getOrder.get());       // http://10.0.1.10:8080/orders/42
        }
        registry.getLeaseClient().revoke(lease).get(); // the instance stops: its key goes with its lease
        registry.close();
        // --- end ---

        assertThat(printed.toString(UTF_8).lines()).containsExactly(
                "[ServiceInstance{10.0.1.10:8080, weight=2, zone=eu-1}]",
                "http://10.0.1.10:8080/orders/42");
    }

    @Test
    void customMapperExample() throws Exception {
        try (Registrar registrar = new Registrar(endpoint, "/services/orders/")) {
            registrar.register("a", "10.0.1.10 8080 eu-1");

            // --- docs/etcd.md, "Your own value format" ---
            // Values written as "10.0.1.10 8080 eu-1"; keys ending in /config are not instances.
            EtcdInstanceMapper spaced = (key, value) -> {
                if (key.endsWith("/config")) {
                    return null;                                 // left out, not reported
                }
                String[] parts = value.trim().split("\\s+");     // a value that does not fit throws:
                return ServiceInstance.builder(parts[0], Integer.parseInt(parts[1]))   // skipped and reported
                        .zone(parts[2])
                        .build();
            };
            try (EtcdInstanceSource orders = EtcdInstanceSource.builder("/services/orders/")
                         .endpoints(endpoint)
                         .mapper(spaced)
                         .build()) {
                System.out.println(orders.instances());   // [ServiceInstance{10.0.1.10:8080, zone=eu-1}]
            }
            // --- end ---
        }

        assertThat(printed.toString(UTF_8).lines()).containsExactly("[ServiceInstance{10.0.1.10:8080, zone=eu-1}]");
    }

    @Test
    void thePageShowsExactlyTheCodeTheseTestsRun() throws Exception {
        String page = Files.readString(Path.of("..", "docs", "etcd.md"));
        String tests = Files.readString(Path.of("src", "test", "java", "io", "github", "loadbalancer4j", "etcd",
                "EtcdDocsExampleTest.java"));

        List<String> shown = blocks(Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL), page);
        List<String> run = blocks(Pattern.compile("// --- docs/etcd.md, [^\\n]*\\n(.*?)\\s*// --- end ---", Pattern.DOTALL), tests);

        assertThat(shown).hasSize(2).isEqualTo(run);
    }

    /** The blocks a pattern's first group finds, each with its common indentation removed. */
    private static List<String> blocks(Pattern pattern, String text) {
        List<String> blocks = new ArrayList<>();
        for (Matcher m = pattern.matcher(text); m.find(); ) {
            blocks.add(m.group(1).stripIndent().strip());
        }
        return blocks;
    }
}
