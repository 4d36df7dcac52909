package io.github.loadbalancer4j.grpc.internal;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.LoadBalancerRegistry;
import io.github.loadbalancer4j.SelectionStrategy;
import io.grpc.NameResolver.ConfigOrError;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The {@code loadbalancer4j} policy's config, as a service config gives it:
 * <pre>{@code
 * {"loadBalancingConfig": [{"loadbalancer4j": {"strategy": "least-requests", "config": "orders",
 *     "name": "orders", "failureStatusCodes": ["UNAVAILABLE", "INTERNAL"]}}]}
 * }</pre>
 * Every key is optional; an unknown key, or a value of the wrong type or out of range, is an error
 * that names the key, the value and what was expected.
 */
public final class PolicyConfig {

    /** The selection strategy, by {@code SelectionStrategy.parse} name. */
    public static final String STRATEGY = "strategy";
    /** The name of a config of the provider's {@code LoadBalancerRegistry}. */
    public static final String CONFIG = "config";
    /** The load balancer's name in that registry, and the prefix of its breakers' names. */
    public static final String NAME = "name";
    /** The status codes that count as failures of the instance, replacing the provider's predicate. */
    public static final String FAILURE_STATUS_CODES = "failureStatusCodes";

    private static final List<String> KEYS = List.of(STRATEGY, CONFIG, NAME, FAILURE_STATUS_CODES);

    /** The config of a channel whose service config says nothing of the policy. */
    public static final PolicyConfig DEFAULT = new PolicyConfig(null, null, null, null);

    private final @Nullable SelectionStrategy strategy;
    private final @Nullable String configName;
    private final @Nullable String name;
    private final @Nullable Set<Status.Code> failureStatusCodes;

    private PolicyConfig(@Nullable SelectionStrategy strategy, @Nullable String configName, @Nullable String name,
            @Nullable Set<Status.Code> failureStatusCodes) {
        this.strategy = strategy;
        this.configName = configName;
        this.name = name;
        this.failureStatusCodes = failureStatusCodes;
    }

    /**
     * Reads a policy config.
     *
     * @param raw the policy's JSON object from the service config, as gRPC parsed it
     * @param policyName the policy's name, for messages
     * @param registry the registry whose configs {@value #CONFIG} may name
     * @return the config, or an {@link Status#UNAVAILABLE} error saying what is wrong
     */
    public static ConfigOrError parse(Map<String, ?> raw, String policyName, LoadBalancerRegistry registry) {
        requireNonNull(raw, "raw");
        try {
            return ConfigOrError.fromConfig(read(raw, registry));
        } catch (IllegalArgumentException e) {
            return ConfigOrError.fromError(Status.UNAVAILABLE.withCause(e)
                    .withDescription(policyName + " policy config " + raw + ": " + e.getMessage()));
        }
    }

    private static PolicyConfig read(Map<String, ?> raw, LoadBalancerRegistry registry) {
        for (String key : raw.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown key '" + key + "' (expected: one of " + KEYS + ")");
            }
        }
        String strategyName = string(raw, STRATEGY);
        SelectionStrategy strategy = strategyName == null ? null : SelectionStrategy.parse(strategyName);
        String configName = string(raw, CONFIG);
        if (configName != null && registry.getConfiguration(configName).isEmpty()) {
            throw new IllegalArgumentException(CONFIG + ": '" + configName
                    + "' (expected: the name of a config of the provider's LoadBalancerRegistry)");
        }
        String name = string(raw, NAME);
        if (name != null && name.isBlank()) {
            throw new IllegalArgumentException(NAME + ": '" + name + "' (expected: a non-blank name)");
        }
        return new PolicyConfig(strategy, configName, name, codes(raw));
    }

    private static @Nullable String string(Map<String, ?> raw, String key) {
        Object value = raw.get(key);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String)) {
            throw new IllegalArgumentException(key + ": " + value + " (expected: a string)");
        }
        return (String) value;
    }

    private static @Nullable Set<Status.Code> codes(Map<String, ?> raw) {
        Object value = raw.get(FAILURE_STATUS_CODES);
        if (value == null) {
            return null;
        }
        if (!(value instanceof List)) {
            throw new IllegalArgumentException(FAILURE_STATUS_CODES + ": " + value + " (expected: a list of status code names)");
        }
        Set<Status.Code> codes = EnumSet.noneOf(Status.Code.class);
        for (Object item : (List<?>) value) {
            codes.add(code(item));
        }
        if (codes.contains(Status.Code.OK)) {
            throw new IllegalArgumentException(FAILURE_STATUS_CODES + ": " + value + " (expected: codes other than OK)");
        }
        return codes;
    }

    private static Status.Code code(@Nullable Object item) {
        if (item instanceof String) {
            try {
                return Status.Code.valueOf(((String) item).trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException notAName) {
                // reported below
            }
        }
        throw new IllegalArgumentException(FAILURE_STATUS_CODES + ": '" + item + "' (expected: a status code name, one of "
                + Arrays.stream(Status.Code.values()).filter(c -> c != Status.Code.OK).map(Enum::name).collect(Collectors.toList()) + ")");
    }

    /** @return the strategy the config names, or null to use the load balancer config's */
    public @Nullable SelectionStrategy strategy() {
        return strategy;
    }

    /** @return the registry config it names, or null for the registry's default */
    public @Nullable String configName() {
        return configName;
    }

    /** @return the load balancer's name, or null for the channel's authority */
    public @Nullable String name() {
        return name;
    }

    /**
     * @param fallback the provider's predicate
     * @return what counts as a failure of an instance: the codes of this config if it has some, else {@code fallback}
     */
    public Predicate<Status> failurePredicate(Predicate<Status> fallback) {
        Set<Status.Code> codes = failureStatusCodes;
        return codes == null ? fallback : failureCodes(codes);
    }

    /**
     * @param codes status codes
     * @return a predicate true for a status with one of these codes
     */
    public static Predicate<Status> failureCodes(Set<Status.Code> codes) {
        return new CodesPredicate(codes);
    }

    /**
     * @param other the config applied before
     * @return the keys whose values differ, in key order
     */
    List<String> changedKeys(PolicyConfig other) {
        List<String> changed = new ArrayList<>();
        if (!Objects.equals(String.valueOf(strategy), String.valueOf(other.strategy))) {
            changed.add(STRATEGY);
        }
        if (!Objects.equals(configName, other.configName)) {
            changed.add(CONFIG);
        }
        if (!Objects.equals(name, other.name)) {
            changed.add(NAME);
        }
        if (!Objects.equals(failureStatusCodes, other.failureStatusCodes)) {
            changed.add(FAILURE_STATUS_CODES);
        }
        return changed;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof PolicyConfig && changedKeys((PolicyConfig) o).isEmpty();
    }

    @Override
    public int hashCode() {
        return Objects.hash(String.valueOf(strategy), configName, name, failureStatusCodes);
    }

    @Override
    public String toString() {
        return "PolicyConfig{strategy=" + strategy + ", config=" + configName + ", name=" + name
                + ", failureStatusCodes=" + failureStatusCodes + '}';
    }

    /** Status codes that count as failures. */
    static final class CodesPredicate implements Predicate<Status> {
        private final Set<Status.Code> codes;

        CodesPredicate(Set<Status.Code> codes) {
            this.codes = EnumSet.noneOf(Status.Code.class);
            this.codes.addAll(codes);
        }

        @Override
        public boolean test(Status status) {
            return codes.contains(status.getCode());
        }

        @Override
        public String toString() {
            return "failure status codes " + codes;
        }
    }
}
