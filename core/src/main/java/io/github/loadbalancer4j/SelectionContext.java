package io.github.loadbalancer4j;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What one call tells the selector: an optional hash key (for {@link SelectionStrategy#consistentHash()}),
 * the instances this call already tried (failover skips them while an untried one is available), and
 * the attempt number.
 *
 * <p>Immutable. {@link #empty()} is a shared constant, so plain calls allocate nothing.
 */
public final class SelectionContext {

    private static final String[] NO_IDS = new String[0];
    private static final SelectionContext EMPTY = new SelectionContext(null, NO_IDS, 1);

    private final @Nullable Object hashKey;
    private final String[] triedIds;
    private final int attempt;

    private SelectionContext(@Nullable Object hashKey, String[] triedIds, int attempt) {
        this.hashKey = hashKey;
        this.triedIds = triedIds;
        this.attempt = attempt;
    }

    /** @return the context of a plain first attempt: no key, nothing tried */
    public static SelectionContext empty() {
        return EMPTY;
    }

    /**
     * Returns the context of a first attempt routed by a key.
     *
     * @param key the key (a user id, a cache key); its {@code hashCode} decides the instance
     * @return the context
     */
    public static SelectionContext ofHashKey(Object key) {
        return new SelectionContext(requireNonNull(key, "key"), NO_IDS, 1);
    }

    /**
     * Returns a context for the next attempt: this one's key and tried instances plus {@code tried},
     * with the attempt number one higher.
     *
     * @param tried the instance the previous attempt went to
     * @return a new context
     */
    public SelectionContext excluding(ServiceInstance tried) {
        requireNonNull(tried, "tried");
        String[] ids = triedIds;
        if (!isTried(tried)) {
            ids = Arrays.copyOf(triedIds, triedIds.length + 1);
            ids[triedIds.length] = tried.id();
        }
        return new SelectionContext(hashKey, ids, attempt + 1);
    }

    /** @return the hash key, or null when the call has none */
    public @Nullable Object hashKey() {
        return hashKey;
    }

    /** @return 1 for the first attempt of a call, 2 for its first retry, and so on */
    public int attempt() {
        return attempt;
    }

    /** @return whether this call tried some instance already */
    public boolean hasTried() {
        return triedIds.length != 0;
    }

    /**
     * Tells whether this call already tried an instance.
     *
     * @param instance the instance
     * @return true if an earlier attempt of this call went to it
     */
    public boolean isTried(ServiceInstance instance) {
        String id = instance.id();
        for (String t : triedIds) {
            if (t.equals(id)) {
                return true;
            }
        }
        return false;
    }

    /** @return the ids of the instances this call tried, in order */
    public List<String> triedIds() {
        return List.of(triedIds);
    }

    @Override
    public String toString() {
        return "SelectionContext{attempt=" + attempt + (hashKey != null ? ", hashKey=" + hashKey : "")
                + (triedIds.length != 0 ? ", tried=" + Arrays.toString(triedIds) : "") + '}';
    }
}
