package io.github.loadbalancer4j.benchmarks.sim;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.OutlierEjectionConfig;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.internal.strategy.StrategyNames;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Reads a scenario from a small properties file, so a user can simulate their own service without
 * writing Java:
 *
 * <pre>
 * name=orders
 * load=poisson 500/s              # or: fixed 500/s, closed 50 callers every 100ms
 * duration=60s
 * warmup=5s                       # optional
 * timeout=1s                      # optional, per attempt
 * strategies=roundRobin,leastRequests,peakEwma   # optional, default: all built-in
 * variants=plain,retry 1,breakers,breakers+retry 2  # optional, default: plain,retry 1; also breakers+outliers+retry 1
 * breakers=default                # or linkerd: the config of 'breakers' variants
 * outlierInterval=10s             # optional: the sweep interval of 'outliers' variants (Envoy's other defaults)
 * backends=10                     # b0..b9; or names: backends=east1,east2,west1
 * backend.*.latency=normal 100ms 20ms   # fixed 2s, normal mean sd, exponential mean
 * backend.*.successRate=1.0
 * backend.*.failureLatency=normal 1ms 0.2ms   # optional: failed calls take this long instead
 * backend.*.concurrency=0         # calls served at once, 0 = unlimited
 * backend.b3.zone=b
 * backend.b3.weight=2
 * backend.b3.during.1=15s-45s latency fixed 2s
 * backend.b3.during.2=50s-55s slower 10
 * backend.b3.during.3=50s-55s success 0.5
 * </pre>
 */
public final class ScenarioFile {

    private ScenarioFile() {
    }

    /**
     * Reads a scenario file.
     *
     * @param file the file
     * @return the scenario
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if a value is not understood (the message names the key)
     */
    public static Scenario read(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(reader, file.getFileName().toString().replaceFirst("\\.[^.]*$", ""));
        }
    }

    /**
     * Reads a scenario from text.
     *
     * @param text the file's content
     * @return the scenario
     * @throws IllegalArgumentException if a value is not understood (the message names the key)
     */
    public static Scenario parse(String text) {
        try {
            return parse(new StringReader(requireNonNull(text, "text")), "scenario");
        } catch (IOException e) {
            throw new IllegalStateException(e); // a StringReader does not fail
        }
    }

    private static Scenario parse(Reader reader, String defaultName) throws IOException {
        Properties p = new Properties();
        p.load(reader);
        Scenario.Builder b = Scenario.builder(p.getProperty("name", defaultName).trim());
        String title = p.getProperty("title");
        if (title != null) {
            b.title(title.trim());
        }
        b.description(p.getProperty("description", "").trim());
        b.load(value(p, "load", Load::parse, Load.poisson(100)));
        b.duration(value(p, "duration", DurationText::parse, Duration.ofSeconds(60)));
        b.warmup(value(p, "warmup", DurationText::parse, Duration.ZERO));
        b.timeout(value(p, "timeout", DurationText::parse, null));
        b.hashKeys(value(p, "hashKeys", Integer::parseInt, 0));

        String strategies = p.getProperty("strategies");
        if (strategies != null) {
            Map<String, SelectionStrategy> builtIn = Scenario.builtInStrategies();
            for (String label : splitStrategies(strategies)) {
                // The table's own labels first (zonePreferring(a) is zone a with least requests), then core's parser.
                SelectionStrategy strategy = builtIn.get(label);
                if (strategy == null) {
                    try {
                        strategy = SelectionStrategy.parse(label);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("strategies: '" + label + "' (expected: one of " + builtIn.keySet()
                                + ", or a name SelectionStrategy.parse knows: " + StrategyNames.KNOWN + ")", e);
                    }
                }
                b.strategy(label, strategy);
            }
        }
        String breakers = p.getProperty("breakers", "default").trim();
        if (!breakers.equals("default") && !breakers.equals("linkerd")) {
            throw new IllegalArgumentException("breakers: '" + breakers + "' (expected: default or linkerd)");
        }
        OutlierEjectionConfig outliers = OutlierEjectionConfig.custom()
                .interval(value(p, "outlierInterval", DurationText::parse, OutlierEjectionConfig.DEFAULT_INTERVAL)).build();
        for (String v : p.getProperty("variants", "plain,retry 1").split(",")) {
            b.variant(variant(v.trim(), breakers, outliers));
        }

        Map<String, String> defaults = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("backend.*.")) {
                defaults.put(key.substring("backend.*.".length()), p.getProperty(key));
            }
        }
        for (String name : backendNames(p.getProperty("backends", "1").trim())) {
            b.backend(backend(name, p, defaults));
        }
        return b.build();
    }

    private static Variant variant(String text, String breakers, OutlierEjectionConfig outliers) {
        String t = text.toLowerCase(Locale.ROOT).replace(" ", "");
        Variant v = Variant.plain();
        if (t.equals("plain")) {
            return v;
        }
        if (t.startsWith("breakers")) {
            v = v.withBreakers(breakers.equals("linkerd") ? Variant.linkerdBreakers() : Variant.defaultBreakers());
            t = t.substring("breakers".length());
            if (t.startsWith("+")) {
                t = t.substring(1);
            }
        }
        if (t.startsWith("outliers")) {
            v = v.withOutlierEjection(outliers);
            t = t.substring("outliers".length());
            if (t.startsWith("+")) {
                t = t.substring(1);
            }
        }
        if (t.startsWith("retry")) {
            try {
                return v.withRetries(Integer.parseInt(t.substring("retry".length())));
            } catch (NumberFormatException e) {
                // the message below
            }
        } else if (t.isEmpty()) {
            return v;
        }
        throw new IllegalArgumentException("variants: '" + text
                + "' (expected: plain, retry <n>, breakers, outliers, or a combination in that order: breakers+outliers+retry <n>)");
    }

    private static List<String> backendNames(String value) {
        List<String> names = new ArrayList<>();
        if (value.matches("\\d+")) {
            int n = Integer.parseInt(value);
            if (n < 1) {
                throw new IllegalArgumentException("backends: " + value + " (expected: >= 1, or a list of names)");
            }
            for (int i = 0; i < n; i++) {
                names.add("b" + i);
            }
            return names;
        }
        for (String n : value.split(",")) {
            names.add(n.trim());
        }
        return names;
    }

    private static Backend backend(String name, Properties p, Map<String, String> defaults) {
        Backend.Builder b = Backend.builder(name);
        String prefix = "backend." + name + ".";
        String latency = p.getProperty(prefix + "latency", defaults.get("latency"));
        if (latency != null) {
            b.latency(parse(prefix + "latency", latency, Latency::parse));
        }
        String failureLatency = p.getProperty(prefix + "failureLatency", defaults.get("failureLatency"));
        if (failureLatency != null) {
            b.failureLatency(parse(prefix + "failureLatency", failureLatency, Latency::parse));
        }
        String rate = p.getProperty(prefix + "successRate", defaults.get("successRate"));
        if (rate != null) {
            b.successRate(parse(prefix + "successRate", rate, Double::parseDouble));
        }
        String concurrency = p.getProperty(prefix + "concurrency", defaults.get("concurrency"));
        if (concurrency != null) {
            b.concurrency(parse(prefix + "concurrency", concurrency, Integer::parseInt));
        }
        String zone = p.getProperty(prefix + "zone", defaults.get("zone"));
        if (zone != null) {
            b.zone(zone.trim());
        }
        String weight = p.getProperty(prefix + "weight", defaults.get("weight"));
        if (weight != null) {
            b.weight(parse(prefix + "weight", weight, Integer::parseInt));
        }
        Map<String, String> phases = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith(prefix + "during.")) {
                phases.put(key, p.getProperty(key));
            }
        }
        for (Map.Entry<String, String> phase : phases.entrySet()) {
            phase(b, phase.getKey(), phase.getValue().trim());
        }
        return b.build();
    }

    private static void phase(Backend.Builder b, String key, String value) {
        String[] parts = value.split("\\s+", 3);
        String[] window = parts[0].split("-");
        if (parts.length < 3 || window.length != 2) {
            throw new IllegalArgumentException(key + ": '" + value
                    + "' (expected: '<from>-<to> latency <latency>', '<from>-<to> slower <factor>' or '<from>-<to> success <rate>')");
        }
        Duration from = parse(key, window[0], DurationText::parse);
        Duration to = parse(key, window[1], DurationText::parse);
        switch (parts[1]) {
            case "latency":
                b.latencyDuring(from, to, parse(key, parts[2], Latency::parse));
                break;
            case "slower":
                b.slowerDuring(from, to, parse(key, parts[2], Double::parseDouble));
                break;
            case "success":
                b.successRateDuring(from, to, parse(key, parts[2], Double::parseDouble));
                break;
            default:
                throw new IllegalArgumentException(key + ": '" + value + "' (expected: latency, slower or success after the window)");
        }
    }

    private interface Parser<T> {
        T parse(String text);
    }

    private static <T> T value(Properties p, String key, Parser<T> parser, T fallback) {
        String v = p.getProperty(key);
        return v == null ? fallback : parse(key, v, parser);
    }

    private static <T> T parse(String key, String value, Parser<T> parser) {
        try {
            return parser.parse(value.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(key + ": '" + value.trim() + "' (" + e.getMessage() + ")", e);
        }
    }

    /** The comma-separated labels of {@code strategies=}, keeping the commas inside parentheses. */
    private static java.util.List<String> splitStrategies(String text) {
        java.util.List<String> labels = new java.util.ArrayList<>();
        int depth = 0;
        int from = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                labels.add(text.substring(from, i).trim());
                from = i + 1;
            }
        }
        labels.add(text.substring(from).trim());
        return labels;
    }
}
