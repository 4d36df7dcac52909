package io.github.loadbalancer4j.internal.strategy;

import io.github.loadbalancer4j.Candidate;
import io.github.loadbalancer4j.Candidates;
import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.Selector;
import java.util.Arrays;
import java.util.Comparator;
import org.jspecify.annotations.Nullable;

/**
 * Consistent hashing on a ring (Karger et al.): each candidate owns {@link #pointsPerCandidate(int)}
 * points placed by a hash of its instance id, and a key goes to the owner of the first point at or
 * after the key's hash. The ring depends only on the ids, never on their order or on the snapshot,
 * so removing one of N instances moves only the keys it owned, about 1/N of them, and adding it back
 * moves them back. Calls without a hash key fall back to round robin.
 */
final class ConsistentHashStrategy implements SelectionStrategy {

    /** The one instance: the strategy has no parameters. */
    static final ConsistentHashStrategy INSTANCE = new ConsistentHashStrategy();

    /** Points per candidate on a small ring: each candidate's share of keys is within ~8% of 1/N. */
    static final int MAX_POINTS_PER_CANDIDATE = 160;
    /** The largest ring: 64 Ki points (768 KB), reached from about 400 candidates on. */
    static final int MAX_RING = 1 << 16;

    private static final String NAME = "consistentHash";
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private ConsistentHashStrategy() {
    }

    @Override
    public Selector newSelector(Candidates available) {
        Candidate[] candidates = available.toArray();
        if (candidates.length <= 1) {
            return RoundRobinStrategy.newSelector(NAME, candidates);
        }
        return new RingSelector(candidates);
    }

    /** @return how many ring points each of {@code n} candidates gets: fewer as n grows, at least 1 */
    static int pointsPerCandidate(int n) {
        return Math.max(1, Math.min(MAX_POINTS_PER_CANDIDATE, MAX_RING / n));
    }

    /** @return the ring position of a key: its hash code, well mixed over 64 bits */
    static long keyHash(Object key) {
        return mix(key.hashCode() * GOLDEN_GAMMA);
    }

    /** @return a 64-bit hash of an instance id (FNV-1a over its chars, then mixed); the same in every JVM */
    static long idHash(String id) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < id.length(); i++) {
            h ^= id.charAt(i);
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    /** The finalizer of MurmurHash3 (fmix64): every input bit flips each output bit with probability 1/2. */
    static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    @Override
    public String toString() {
        return NAME;
    }

    private static final class Point {
        final long hash;
        final Candidate owner;
        final String id;

        Point(long hash, Candidate owner, String id) {
            this.hash = hash;
            this.owner = owner;
            this.id = id;
        }
    }

    static final class RingSelector implements Selector {
        private final long[] hashes;
        private final Candidate[] owners;
        private final Selector withoutKey;
        private final int candidates;

        RingSelector(Candidate[] candidates) {
            int perCandidate = pointsPerCandidate(candidates.length);
            Point[] points = new Point[candidates.length * perCandidate];
            int p = 0;
            for (Candidate candidate : candidates) {
                String id = candidate.instance().id();
                long base = idHash(id);
                for (int k = 1; k <= perCandidate; k++) {
                    points[p++] = new Point(mix(base + k * GOLDEN_GAMMA), candidate, id);
                }
            }
            // Ties (two ids on one point) are broken by id, so that the ring never depends on list order.
            Arrays.sort(points, Comparator.<Point>comparingLong(pt -> pt.hash).thenComparing(pt -> pt.id));
            this.hashes = new long[points.length];
            this.owners = new Candidate[points.length];
            for (int i = 0; i < points.length; i++) {
                hashes[i] = points[i].hash;
                owners[i] = points[i].owner;
            }
            this.withoutKey = RoundRobinStrategy.newSelector(NAME, candidates);
            this.candidates = candidates.length;
        }

        @Override
        public @Nullable Candidate select(SelectionContext context) {
            Object key = context.hashKey();
            if (key == null) {
                return withoutKey.select(context);
            }
            return owners[ownerIndex(keyHash(key))];
        }

        /** @return the index of the first point at or after {@code hash}, wrapping around the ring */
        int ownerIndex(long hash) {
            int lo = 0;
            int hi = hashes.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (hashes[mid] < hash) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo == hashes.length ? 0 : lo;
        }

        @Override
        public String toString() {
            return NAME + '{' + candidates + " candidates, a ring of " + hashes.length + " points}";
        }
    }
}
