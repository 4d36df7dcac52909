package io.github.loadbalancer4j.internal.strategy;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.SelectionStrategy;
import java.util.Locale;
import java.util.Map;

/**
 * The one parser of strategy names, for configuration (Spring properties, the simulator's scenario
 * files): kebab-case as in YAML ({@code peak-ewma}) or camelCase as the factories and
 * {@code toString()} spell them ({@code peakEwma}), case ignored, and
 * {@code zone-preferring(<zone>[, <inner>[, <minFraction>]])} with any of them inside (default inner:
 * {@code peak-ewma}, the load balancer's default). Public for the loadbalancer4j modules; not API.
 */
public final class StrategyNames {

    /** The names {@link #parse} knows, as messages list them. */
    public static final String KNOWN = "round-robin, weighted-round-robin, random, weighted-random, least-requests, "
            + "peak-ewma, consistent-hash, zone-preferring(<zone>[, <inner>[, <minFraction>]])";

    private static final Map<String, SelectionStrategy> SIMPLE = Map.of(
            "roundrobin", SelectionStrategy.roundRobin(),
            "weightedroundrobin", SelectionStrategy.weightedRoundRobin(),
            "random", SelectionStrategy.random(),
            "weightedrandom", SelectionStrategy.weightedRandom(),
            "leastrequests", SelectionStrategy.leastRequests(),
            "peakewma", SelectionStrategy.peakEwma(),
            "consistenthash", SelectionStrategy.consistentHash());

    private StrategyNames() {
    }

    /**
     * @param name a strategy name, e.g. {@code least-requests} or {@code zone-preferring(eu-west-1a, round-robin)}
     * @return the strategy
     * @throws IllegalArgumentException naming the value and the known names, if it is none of them
     */
    public static SelectionStrategy parse(String name) {
        requireNonNull(name, "name");
        String text = name.trim();
        int open = text.indexOf('(');
        if (open < 0) {
            SelectionStrategy strategy = SIMPLE.get(key(text));
            if (strategy == null) {
                throw unknown(name, null);
            }
            return strategy;
        }
        if (!key(text.substring(0, open)).equals("zonepreferring") || !text.endsWith(")")) {
            throw unknown(name, null);
        }
        String[] args = splitTopLevel(text.substring(open + 1, text.length() - 1));
        if (args.length < 1 || args.length > 3 || args[0].isBlank()) {
            throw unknown(name, "zone-preferring takes a zone, then optionally the inner strategy and the minimum fraction");
        }
        SelectionStrategy inner = args.length >= 2 ? parse(args[1]) : SelectionStrategy.peakEwma();
        double minFraction = 0.0;
        if (args.length == 3) {
            String fraction = args[2].trim();
            if (fraction.startsWith("minFraction=")) {
                fraction = fraction.substring("minFraction=".length());
            }
            try {
                minFraction = Double.parseDouble(fraction);
            } catch (NumberFormatException e) {
                throw unknown(name, "the minimum fraction '" + args[2].trim() + "' is not a number from 0.0 to 1.0");
            }
        }
        return SelectionStrategy.zonePreferring(args[0].trim(), inner, minFraction);
    }

    /** Lower case without '-' and '_': {@code Peak-EWMA}, {@code peakEwma} and {@code peak_ewma} are one name. */
    private static String key(String text) {
        return text.trim().replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
    }

    /** Splits on the commas that are not inside parentheses (an inner zone-preferring). */
    private static String[] splitTopLevel(String args) {
        java.util.List<String> parts = new java.util.ArrayList<>();
        int depth = 0;
        int from = 0;
        for (int i = 0; i < args.length(); i++) {
            char c = args.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(args.substring(from, i));
                from = i + 1;
            }
        }
        parts.add(args.substring(from));
        return parts.toArray(new String[0]);
    }

    private static IllegalArgumentException unknown(String name, @org.jspecify.annotations.Nullable String detail) {
        return new IllegalArgumentException("strategy: '" + name + "' (expected: one of " + KNOWN + ")"
                + (detail == null ? "" : ": " + detail));
    }
}
