package io.github.loadbalancer4j.internal.strategy;

import io.github.loadbalancer4j.SelectionStrategy;

/**
 * The one way into the built-in strategies, whose classes are package-private: the factories of
 * {@link SelectionStrategy} and the load balancer's checks go through here. Public for the core's API
 * package; not API.
 */
public final class Strategies {

    private Strategies() {
    }

    /** @return round robin */
    public static SelectionStrategy roundRobin() {
        return RoundRobinStrategy.INSTANCE;
    }

    /** @return weighted round robin */
    public static SelectionStrategy weightedRoundRobin() {
        return WeightedRoundRobinStrategy.INSTANCE;
    }

    /** @return random */
    public static SelectionStrategy random() {
        return RandomStrategy.INSTANCE;
    }

    /** @return weighted random */
    public static SelectionStrategy weightedRandom() {
        return WeightedRandomStrategy.INSTANCE;
    }

    /** @return least requests by the power of two choices */
    public static SelectionStrategy leastRequests() {
        return LeastRequestsStrategy.INSTANCE;
    }

    /** @return peak EWMA */
    public static SelectionStrategy peakEwma() {
        return PeakEwmaStrategy.INSTANCE;
    }

    /** @return consistent hashing */
    public static SelectionStrategy consistentHash() {
        return ConsistentHashStrategy.INSTANCE;
    }

    /**
     * @param zone the zone to prefer
     * @param delegate chooses among the candidates kept
     * @param minFraction the share of the available candidates the zone must hold, 0 to 1
     * @return zone preference
     */
    public static SelectionStrategy zonePreferring(String zone, SelectionStrategy delegate, double minFraction) {
        return new ZonePreferringStrategy(zone, delegate, minFraction);
    }

    /**
     * Whether a strategy selects with a hash ring, itself or inside {@code zonePreferring}: such a
     * strategy cannot honour slow start (a ramp would move keys between instances).
     *
     * @param strategy a strategy
     * @return true for {@code consistentHash()} and strategies that delegate to it
     */
    public static boolean usesHashRing(SelectionStrategy strategy) {
        if (strategy instanceof ConsistentHashStrategy) {
            return true;
        }
        return strategy instanceof ZonePreferringStrategy && usesHashRing(((ZonePreferringStrategy) strategy).delegate());
    }
}
