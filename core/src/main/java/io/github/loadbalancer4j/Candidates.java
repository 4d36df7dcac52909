package io.github.loadbalancer4j;

import static java.util.Objects.requireNonNull;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * The immutable, indexed set of available candidates handed to
 * {@link SelectionStrategy#newSelector(Candidates)}. Index access is a plain array read.
 */
public final class Candidates extends AbstractList<Candidate> implements RandomAccess {

    private static final Candidates EMPTY = new Candidates(new Candidate[0]);

    private final Candidate[] candidates;

    private Candidates(Candidate[] candidates) {
        this.candidates = candidates;
    }

    /**
     * Wraps candidates.
     *
     * @param candidates the candidates; the array is copied
     * @return the set
     */
    public static Candidates of(Candidate... candidates) {
        requireNonNull(candidates, "candidates");
        if (candidates.length == 0) {
            return EMPTY;
        }
        Candidate[] copy = candidates.clone();
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] == null) { // not requireNonNull: its message would be built for every candidate
                throw new NullPointerException("candidates[" + i + "]");
            }
        }
        return new Candidates(copy);
    }

    /**
     * Wraps candidates.
     *
     * @param candidates the candidates; the list is copied
     * @return the set
     */
    public static Candidates of(List<? extends Candidate> candidates) {
        return of(requireNonNull(candidates, "candidates").toArray(new Candidate[0]));
    }

    /** @return the empty set */
    public static Candidates empty() {
        return EMPTY;
    }

    @Override
    public Candidate get(int index) {
        return candidates[index];
    }

    @Override
    public int size() {
        return candidates.length;
    }

    /** @return a copy of the candidates as an array */
    public Candidate[] toArray() {
        return candidates.clone();
    }
}
