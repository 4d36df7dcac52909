package io.github.loadbalancer4j.dns.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link DnsExample}, the example of {@code docs/dns.md} (the page's code with a package line),
 * against the dnsmasq that {@code scripts/backends.sh} starts on 127.0.0.1:15353, and checks what it
 * prints.
 */
class DnsExampleTest {

    @Test
    void theExamplePrintsThePriorityZeroGroupAndCallsItsInstances() {
        String server = System.getenv("LB4J_DNS_SERVER");
        if (!"127.0.0.1:15353".equals(server)) {
            String why = "LB4J_DNS_SERVER is " + server + " (expected: 127.0.0.1:15353, as scripts/backends.sh sets)";
            if (Boolean.getBoolean("loadbalancer4j.requireBackends")) {
                fail(why + " and -Dloadbalancer4j.requireBackends=true");
            }
            assumeTrue(false, why);
        }
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream standardOut = System.out;

        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            DnsExample.main(new String[0]);
        } finally {
            System.setOut(standardOut);
        }

        List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0))
                .isEqualTo("[ServiceInstance{inst1.svc.test:8081, weight=10}, ServiceInstance{inst2.svc.test:8082, weight=30}]");
        assertThat(lines.subList(1, 5)).allMatch(line -> line.equals("GET http://inst1.svc.test:8081/orders/42")
                || line.equals("GET http://inst2.svc.test:8082/orders/42"));
    }
}
