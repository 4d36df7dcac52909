package io.github.loadbalancer4j.testing;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The backends {@code scripts/backends.sh} starts, found through the environment variables it sets
 * ({@code LB4J_DNS_SERVER}, {@code LB4J_DNS_HOSTSDIR}, {@code LB4J_ETCD_ENDPOINT}, ...). A test whose
 * backend is missing is skipped on a developer's machine and fails under
 * {@code -Dloadbalancer4j.requireBackends=true} (as {@code scripts/test.sh} runs), so CI cannot go
 * green by skipping.
 */
public final class ScriptBackends {

    /** The system property under which a missing backend fails the test instead of skipping it. */
    public static final String REQUIRE_BACKENDS = "loadbalancer4j.requireBackends";

    private ScriptBackends() {
    }

    /**
     * Reads the variables that point at a backend, or skips (or fails) the calling test.
     *
     * @param variables the environment variables, all needed
     * @return their values, in order
     */
    public static List<String> require(String... variables) {
        List<String> values = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String variable : variables) {
            String value = System.getenv(requireNonNull(variable, "variable"));
            if (value == null || value.isBlank()) {
                missing.add(variable);
            }
            values.add(value);
        }
        if (!missing.isEmpty()) {
            String why = String.join(" and ", missing) + (missing.size() == 1 ? " is" : " are")
                    + " not set (run scripts/test.sh, or source scripts/backends.sh)";
            if (Boolean.getBoolean(REQUIRE_BACKENDS)) {
                Assertions.fail(why + " and -D" + REQUIRE_BACKENDS + "=true");
            }
            Assumptions.assumeTrue(false, why);
        }
        return List.copyOf(values);
    }
}
