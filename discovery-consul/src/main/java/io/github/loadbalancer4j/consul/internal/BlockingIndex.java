package io.github.loadbalancer4j.consul.internal;

/**
 * The index a blocking query sends next, by the rules of Consul's "Blocking Queries" page
 * (Implementation Details). Indexes are unsigned 64-bit numbers, compared as such.
 */
final class BlockingIndex {

    /** The index that asks for the current state at once, without blocking. */
    static final long NONE = 0L;

    private BlockingIndex() {
    }

    /**
     * Returns the index to send with the next query.
     *
     * <ul>
     *   <li>An index lower than the one sent went backwards (a snapshot restored, an upgrade): reset
     *       to 0, so that the next query reads the current state without blocking and the loop starts
     *       again from the index it returns. Keeping the old index could miss updates for an unbounded
     *       time.</li>
     *   <li>Otherwise the returned index, but at least 1: an index of 0 would not block, and a server
     *       that keeps answering 0 would turn the loop into a busy loop; waiting on 1 is always safe.</li>
     * </ul>
     *
     * @param sent the index the query was sent with (0 for a read that did not block)
     * @param returned the query's {@code X-Consul-Index} (0 when missing)
     * @return the index for the next query
     */
    static long next(long sent, long returned) {
        if (Long.compareUnsigned(returned, sent) < 0) {
            return NONE;
        }
        return returned == 0 ? 1 : returned;
    }
}
