package io.github.loadbalancer4j.benchmarks.sim;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.SelectionStrategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A simulation to run: backends, the client's load, how long, the client's timeout, the strategies
 * to compare and the variants (breakers, failover) to run each with, and, for the built-in
 * scenarios, the published figures they stand beside and the bars they are judged against.
 * Immutable; built with {@link #builder(String)}.
 */
public final class Scenario {

    private final String name;
    private final String title;
    private final String description;
    private final List<Backend> backends;
    private final Load load;
    private final Duration duration;
    private final Duration warmup;
    private final @Nullable Duration timeout;
    private final int hashKeys;
    private final Map<String, SelectionStrategy> strategies;
    private final List<Variant> variants;
    private final List<String> published;
    private final List<Bar> bars;

    private Scenario(Builder b) {
        this.name = b.name;
        this.title = b.title != null ? b.title : b.name;
        this.description = b.description;
        this.backends = List.copyOf(b.backends);
        this.load = b.load;
        this.duration = b.duration;
        this.warmup = b.warmup;
        this.timeout = b.timeout;
        this.hashKeys = b.hashKeys;
        this.strategies = b.strategies.isEmpty() ? builtInStrategies() : new LinkedHashMap<>(b.strategies);
        this.variants = b.variants.isEmpty() ? List.of(Variant.plain(), Variant.plain().withRetries(1)) : List.copyOf(b.variants);
        this.published = List.copyOf(b.published);
        this.bars = List.copyOf(b.bars);
    }

    /**
     * Every built-in strategy, labelled by its factory: {@code zonePreferring} keeps calls in zone
     * "a" with least requests inside it.
     *
     * @return label to strategy, in the order of the table
     */
    public static Map<String, SelectionStrategy> builtInStrategies() {
        Map<String, SelectionStrategy> m = new LinkedHashMap<>();
        m.put("roundRobin", SelectionStrategy.roundRobin());
        m.put("weightedRoundRobin", SelectionStrategy.weightedRoundRobin());
        m.put("random", SelectionStrategy.random());
        m.put("weightedRandom", SelectionStrategy.weightedRandom());
        m.put("leastRequests", SelectionStrategy.leastRequests());
        m.put("peakEwma", SelectionStrategy.peakEwma());
        m.put("consistentHash", SelectionStrategy.consistentHash());
        m.put("zonePreferring(a)", SelectionStrategy.zonePreferring("a", SelectionStrategy.leastRequests()));
        return m;
    }

    /**
     * Starts a scenario: by default 60 s of Poisson load at 100 calls/s, no warm-up, no timeout,
     * every built-in strategy, each plain and with one failover retry.
     *
     * @param name a short name for the command line and file names (letters, digits and '-')
     * @return a builder
     * @throws IllegalArgumentException if the name is not of that form
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** @return the short name */
    public String name() {
        return name;
    }

    /** @return the title, e.g. "P8 slow backend" */
    public String title() {
        return title;
    }

    /** @return what the scenario is */
    public String description() {
        return description;
    }

    /** @return the backends */
    public List<Backend> backends() {
        return backends;
    }

    /** @return the client's load */
    public Load load() {
        return load;
    }

    /** @return how long calls are started */
    public Duration duration() {
        return duration;
    }

    /** @return calls started before this are not counted */
    public Duration warmup() {
        return warmup;
    }

    /** @return the client's timeout per attempt, or null for none */
    public @Nullable Duration timeout() {
        return timeout;
    }

    /** @return how many distinct hash keys calls carry (uniformly drawn), 0 for none */
    public int hashKeys() {
        return hashKeys;
    }

    /** @return label to strategy, in table order */
    public Map<String, SelectionStrategy> strategies() {
        return new LinkedHashMap<>(strategies);
    }

    /** @return the variants each strategy runs with */
    public List<Variant> variants() {
        return variants;
    }

    /** @return the published figures this scenario stands beside, one line each */
    public List<String> published() {
        return published;
    }

    /** @return the bars the results are judged against */
    public List<Bar> bars() {
        return bars;
    }

    /** @return a builder starting from this scenario */
    public Builder toBuilder() {
        Builder b = new Builder(name).title(title).description(description).load(load).duration(duration).warmup(warmup)
                .timeout(timeout).hashKeys(hashKeys);
        b.backends.addAll(backends);
        b.strategies.putAll(strategies);
        b.variants.addAll(variants);
        b.published.addAll(published);
        b.bars.addAll(bars);
        return b;
    }

    /** @return a one-paragraph summary of the set-up */
    public String setup() {
        StringBuilder sb = new StringBuilder();
        sb.append(backends.size()).append(" backends, ").append(load).append(", ")
                .append(DurationText.format(duration)).append(" (warm-up ").append(DurationText.format(warmup)).append(')')
                .append(", timeout ").append(timeout == null ? "none" : DurationText.format(timeout));
        if (hashKeys > 0) {
            sb.append(", ").append(hashKeys).append(" hash keys");
        }
        return sb.toString();
    }

    /** Builds a {@link Scenario}; every setter checks its value at once, {@link #build()} the whole. */
    public static final class Builder {
        private final String name;
        private @Nullable String title;
        private String description = "";
        private final List<Backend> backends = new ArrayList<>();
        private Load load = Load.poisson(100);
        private Duration duration = Duration.ofSeconds(60);
        private Duration warmup = Duration.ZERO;
        private @Nullable Duration timeout;
        private int hashKeys;
        private final Map<String, SelectionStrategy> strategies = new LinkedHashMap<>();
        private final List<Variant> variants = new ArrayList<>();
        private final List<String> published = new ArrayList<>();
        private final List<Bar> bars = new ArrayList<>();

        private Builder(String name) {
            requireNonNull(name, "name");
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9-]*")) {
                throw new IllegalArgumentException("name: '" + name + "' (expected: letters, digits and '-')");
            }
            this.name = name;
        }

        /**
         * @param title the heading of the scenario's table
         * @return this builder
         */
        public Builder title(String title) {
            this.title = requireNonNull(title, "title");
            return this;
        }

        /**
         * @param description what the scenario is
         * @return this builder
         */
        public Builder description(String description) {
            this.description = requireNonNull(description, "description");
            return this;
        }

        /**
         * Adds backends.
         *
         * @param backends the backends, with unique names
         * @return this builder
         */
        public Builder backend(Backend... backends) {
            for (Backend b : requireNonNull(backends, "backends")) {
                this.backends.add(requireNonNull(b, "backend"));
            }
            return this;
        }

        /**
         * @param load how the client sends calls
         * @return this builder
         */
        public Builder load(Load load) {
            this.load = requireNonNull(load, "load");
            return this;
        }

        /**
         * @param duration how long calls are started, {@code > 0}
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder duration(Duration duration) {
            requireNonNull(duration, "duration");
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("duration: " + duration + " (expected: > 0)");
            }
            this.duration = duration;
            return this;
        }

        /**
         * @param warmup calls started before this are not counted, {@code >= 0}
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder warmup(Duration warmup) {
            requireNonNull(warmup, "warmup");
            if (warmup.isNegative()) {
                throw new IllegalArgumentException("warmup: " + warmup + " (expected: >= 0)");
            }
            this.warmup = warmup;
            return this;
        }

        /**
         * Sets the client's timeout per attempt: it ends the attempt as a failure whose latency is the
         * timeout.
         *
         * @param timeout {@code > 0}, or null for none
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder timeout(@Nullable Duration timeout) {
            if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
                throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * @param keys how many distinct hash keys calls carry, drawn uniformly (for consistentHash); 0 for none
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder hashKeys(int keys) {
            if (keys < 0) {
                throw new IllegalArgumentException("hashKeys: " + keys + " (expected: >= 0)");
            }
            this.hashKeys = keys;
            return this;
        }

        /**
         * Adds a strategy to compare; when none is added, every built-in strategy runs.
         *
         * @param label its row label
         * @param strategy the strategy
         * @return this builder
         */
        public Builder strategy(String label, SelectionStrategy strategy) {
            strategies.put(requireNonNull(label, "label"), requireNonNull(strategy, "strategy"));
            return this;
        }

        /**
         * Adds a variant; when none is added, each strategy runs plain and with one failover retry.
         *
         * @param variant the variant
         * @return this builder
         */
        public Builder variant(Variant variant) {
            variants.add(requireNonNull(variant, "variant"));
            return this;
        }

        /**
         * @param line a published figure the results stand beside
         * @return this builder
         */
        public Builder published(String line) {
            published.add(requireNonNull(line, "line"));
            return this;
        }

        /**
         * @param bar a bar the results are judged against
         * @return this builder
         */
        public Builder bar(Bar bar) {
            bars.add(requireNonNull(bar, "bar"));
            return this;
        }

        /**
         * @return the scenario
         * @throws IllegalStateException if there is no backend, two share a name, two variants share a
         *     label, or the warm-up is not shorter than the duration
         */
        public Scenario build() {
            if (backends.isEmpty()) {
                throw new IllegalStateException("scenario '" + name + "' has no backend (expected: at least one)");
            }
            Set<String> names = new HashSet<>();
            for (Backend b : backends) {
                if (!names.add(b.name())) {
                    throw new IllegalStateException("backend name '" + b.name() + "' is used twice in scenario '" + name + "'");
                }
            }
            Set<String> labels = new HashSet<>();
            for (Variant v : variants) {
                if (!labels.add(v.label())) {
                    throw new IllegalStateException("variant label '" + v.label() + "' is used twice in scenario '" + name + "'");
                }
            }
            if (warmup.compareTo(duration) >= 0) {
                throw new IllegalStateException("warmup " + warmup + " is not shorter than duration " + duration);
            }
            return new Scenario(this);
        }
    }
}
