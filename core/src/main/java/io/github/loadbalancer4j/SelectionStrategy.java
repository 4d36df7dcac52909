package io.github.loadbalancer4j;

import io.github.loadbalancer4j.internal.strategy.Strategies;
import io.github.loadbalancer4j.internal.strategy.StrategyNames;

/**
 * How a load balancer chooses among its available instances: a stateless factory of
 * {@link Selector}s.
 *
 * <p>{@link #newSelector(Candidates)} is called whenever the set of available candidates changes;
 * per-snapshot work (a hash ring, an alias table, a weighted schedule) is done there, once, never per
 * call. All per-instance state lives in the load balancer's {@link Candidate}s, so
 * {@code loadBalancer.changeStrategy(...)} swaps strategies at run time with nothing lost.
 *
 * <p>Every built-in selector picks without locks and without allocating, from any thread, and
 * answers null only for an empty candidate set. Weighted strategies read {@link Candidate#weight()}
 * when the selector is made; they never pick a weight-0 candidate while another has weight, and treat
 * a set whose weights are all 0 as equally weighted. The strategies' {@code toString()} name them, as
 * events such as a strategy change report them.
 */
@FunctionalInterface
public interface SelectionStrategy {

    /**
     * Makes the selector for one set of available candidates.
     *
     * @param available the candidates, possibly empty
     * @return a selector over exactly these candidates
     */
    Selector newSelector(Candidates available);

    /**
     * Round robin: an atomic counter over an immutable array; each of n instances is picked once
     * in every n consecutive picks of one thread. The cheapest strategy, and the fairest when all
     * instances are alike; it keeps sending a slow instance its full share.
     *
     * @return the strategy
     */
    static SelectionStrategy roundRobin() {
        return Strategies.roundRobin();
    }

    /**
     * Weighted round robin: over one period each candidate gets turns in proportion to its
     * {@link Candidate#weight()}, spread evenly over the period rather than taken in a row
     * (earliest deadline first: a candidate's k-th turn is due at {@code (k + 1/2) / weight}). The
     * period is laid out once per candidate set and walked by one atomic counter, so a pick is O(1);
     * when it would be longer than 65,536 turns (huge or very uneven weights over many instances),
     * picks follow an evenly spread deterministic sequence over the
     * cumulative weights in O(log n) instead. Fractional weights (slow start) are kept to 1 part in
     * 1,000 of the largest.
     *
     * @return the strategy
     */
    static SelectionStrategy weightedRoundRobin() {
        return Strategies.weightedRoundRobin();
    }

    /**
     * Uniform random choice, with {@link java.util.concurrent.ThreadLocalRandom}.
     *
     * @return the strategy
     */
    static SelectionStrategy random() {
        return Strategies.random();
    }

    /**
     * Random choice in proportion to {@link Candidate#weight()}, in O(1) by the alias method (the
     * table is built once per candidate set).
     *
     * @return the strategy
     */
    static SelectionStrategy weightedRandom() {
        return Strategies.weightedRandom();
    }

    /**
     * Least requests by the power of two choices: two distinct candidates drawn at random, the one
     * with fewer calls in flight wins. When weights differ, the larger
     * {@code weight / (inFlight + 1)} wins. The family Finagle and Envoy default to: close to the best
     * choice at the cost of two reads, and never herds every caller onto the one least loaded
     * instance.
     *
     * @return the strategy
     */
    static SelectionStrategy leastRequests() {
        return Strategies.leastRequests();
    }

    /**
     * Peak EWMA (Finagle, Linkerd): the power of two choices on
     * {@code latencyCost x (inFlight + 1)}, where {@link Candidate#latencyCost()} is the load
     * balancer's per-instance peak EWMA of latency (decay 10 s; a failure counts as at least 5 s, so an
     * instance that fails fast does not attract traffic). An instance with no latency yet is tried at
     * once when idle, and costs a large penalty plus its in-flight count while its first calls run.
     * Weights are not used. The default ({@link LoadBalancerConfig#DEFAULT_SELECTION_STRATEGY}).
     *
     * @return the strategy
     */
    static SelectionStrategy peakEwma() {
        return Strategies.peakEwma();
    }

    /**
     * Consistent hashing over {@link SelectionContext#hashKey()}: equal keys go to the same instance,
     * and removing one of N instances moves only its own keys, about 1/N of them. A ring of up to 160
     * points per instance (at most 65,536 points in all), placed by a hash of the instance id, so the
     * ring is the same for the same instances in any order and in every snapshot. Keys are placed by
     * their {@code hashCode()}, mixed. Calls without a key are spread by round robin; weights are not
     * used. Route calls with a key with {@code LoadBalancer.decorateFunction(lb, keyExtractor, call)}
     * or {@link SelectionContext#ofHashKey(Object)}.
     *
     * @return the strategy
     */
    static SelectionStrategy consistentHash() {
        return Strategies.consistentHash();
    }

    /**
     * Keeps calls in one zone: {@code delegate} chooses among the available candidates whose
     * {@link ServiceInstance#zone()} is {@code zone} while there is at least one, and among all
     * available candidates otherwise.
     *
     * @param zone the zone to prefer (the caller's own)
     * @param delegate the strategy that chooses among the candidates kept
     * @return the strategy
     * @throws IllegalArgumentException if {@code zone} is blank
     */
    static SelectionStrategy zonePreferring(String zone, SelectionStrategy delegate) {
        return Strategies.zonePreferring(zone, delegate, 0.0);
    }

    /**
     * Keeps calls in one zone while that zone holds at least {@code minFraction} of the available
     * candidates (and at least one), so that a zone that lost most of its instances is not flooded
     * with the calls of the whole zone: with three equal zones, {@code 0.2} keeps calls local until
     * the zone has lost about half of its instances.
     *
     * @param zone the zone to prefer (the caller's own)
     * @param delegate the strategy that chooses among the candidates kept
     * @param minFraction the share of the available candidates the zone must hold, from 0.0 (at least
     *     one candidate) to 1.0
     * @return the strategy
     * @throws IllegalArgumentException if {@code zone} is blank or {@code minFraction} is outside 0.0-1.0
     */
    static SelectionStrategy zonePreferring(String zone, SelectionStrategy delegate, double minFraction) {
        return Strategies.zonePreferring(zone, delegate, minFraction);
    }

    /**
     * The strategy a configuration names: {@code round-robin}, {@code weighted-round-robin},
     * {@code random}, {@code weighted-random}, {@code least-requests}, {@code peak-ewma},
     * {@code consistent-hash}, or {@code zone-preferring(<zone>[, <inner>[, <minFraction>]])} (inner
     * default {@code peak-ewma}); the camelCase forms of the factories ({@code peakEwma}) are accepted
     * too, case is ignored, and {@code toString()} of a built-in strategy parses back to it. Spring
     * properties and the simulator's scenario files use it.
     *
     * @param name the name
     * @return the strategy
     * @throws IllegalArgumentException if the name is none of those, with the list of known ones
     * @throws NullPointerException if the name is null
     */
    static SelectionStrategy parse(String name) {
        return StrategyNames.parse(name);
    }
}
