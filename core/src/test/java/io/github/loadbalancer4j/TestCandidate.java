package io.github.loadbalancer4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A candidate whose statistics a test sets by hand. */
final class TestCandidate implements Candidate {

    private final ServiceInstance instance;
    volatile double weight;
    volatile int inFlight;
    volatile double latencyCost;

    TestCandidate(ServiceInstance instance) {
        this.instance = instance;
        this.weight = instance.weight();
    }

    static TestCandidate of(String host) {
        return new TestCandidate(ServiceInstance.of(host, 8080));
    }

    static TestCandidate weighted(String host, double weight) {
        TestCandidate c = of(host);
        c.weight = weight;
        return c;
    }

    static TestCandidate inZone(String host, @Nullable String zone) {
        return new TestCandidate(ServiceInstance.builder(host, 8080).zone(zone).build());
    }

    /** @return n candidates named 10.0.x.y */
    static List<TestCandidate> many(int n) {
        List<TestCandidate> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(of("10.0." + (i / 250) + '.' + (i % 250 + 1)));
        }
        return list;
    }

    /** @return how often each candidate was picked in {@code picks} selections with the context */
    static Map<Candidate, Integer> pickCounts(Selector selector, SelectionContext context, int picks) {
        Map<Candidate, Integer> counts = new HashMap<>();
        for (int i = 0; i < picks; i++) {
            counts.merge(selector.select(context), 1, Integer::sum);
        }
        return counts;
    }

    static Map<Candidate, Integer> pickCounts(Selector selector, int picks) {
        return pickCounts(selector, SelectionContext.empty(), picks);
    }

    @Override
    public ServiceInstance instance() {
        return instance;
    }

    @Override
    public double weight() {
        return weight;
    }

    @Override
    public int inFlight() {
        return inFlight;
    }

    @Override
    public double latencyCost() {
        return latencyCost;
    }

    @Override
    public String toString() {
        return instance.id();
    }
}
