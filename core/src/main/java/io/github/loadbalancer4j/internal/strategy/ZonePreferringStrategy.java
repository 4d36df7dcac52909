package io.github.loadbalancer4j.internal.strategy;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.Candidate;
import io.github.loadbalancer4j.Candidates;
import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.Selector;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Keeps calls in one zone while it can: the delegate strategy chooses among the candidates of that
 * zone as long as at least one of them is available and they make up at least a given fraction of
 * all available candidates; otherwise the delegate chooses among all of them. The decision is taken
 * in {@link #newSelector}, so a pick costs the delegate's pick and one call more.
 */
final class ZonePreferringStrategy implements SelectionStrategy {

    private final String zone;
    private final SelectionStrategy delegate;
    private final double minFraction;

    /**
     * Creates the strategy.
     *
     * @param zone the zone to prefer, as in {@link io.github.loadbalancer4j.ServiceInstance#zone()}
     * @param delegate chooses among the candidates kept
     * @param minFraction the share of the available candidates the zone must hold, 0 to 1; 0 means
     *     "at least one candidate"
     * @throws IllegalArgumentException if the zone is blank or the fraction is outside 0 to 1
     */
    ZonePreferringStrategy(String zone, SelectionStrategy delegate, double minFraction) {
        requireNonNull(zone, "zone");
        if (zone.isBlank()) {
            throw new IllegalArgumentException("zone: '" + zone + "' (expected: a non-blank zone)");
        }
        this.delegate = requireNonNull(delegate, "delegate");
        if (!(minFraction >= 0.0 && minFraction <= 1.0)) {
            throw new IllegalArgumentException("minFraction: " + minFraction + " (expected: 0.0-1.0)");
        }
        this.zone = zone;
        this.minFraction = minFraction;
    }

    /** @return the strategy that chooses among the candidates kept */
    SelectionStrategy delegate() {
        return delegate;
    }

    @Override
    public Selector newSelector(Candidates available) {
        List<Candidate> local = new ArrayList<>();
        for (Candidate candidate : available) {
            if (zone.equals(candidate.instance().zone())) {
                local.add(candidate);
            }
        }
        boolean preferLocal = !local.isEmpty() && local.size() >= minFraction * available.size();
        Selector selector = delegate.newSelector(preferLocal ? Candidates.of(local) : available);
        return new ZoneSelector(selector, preferLocal, local.size(), available.size());
    }

    @Override
    public String toString() {
        return "zonePreferring(" + zone + ", " + delegate + (minFraction > 0 ? ", minFraction=" + minFraction : "") + ')';
    }

    private final class ZoneSelector implements Selector {
        private final Selector delegate;
        private final boolean local;
        private final int localCount;
        private final int allCount;

        ZoneSelector(Selector delegate, boolean local, int localCount, int allCount) {
            this.delegate = delegate;
            this.local = local;
            this.localCount = localCount;
            this.allCount = allCount;
        }

        @Override
        public @Nullable Candidate select(SelectionContext context) {
            return delegate.select(context);
        }

        @Override
        public String toString() {
            return "zonePreferring{" + zone + ": " + localCount + " of " + allCount + " candidates, "
                    + (local ? "in zone" : "all zones") + ", " + delegate + '}';
        }
    }
}
