package io.github.loadbalancer4j.retry.internal;

import io.github.loadbalancer4j.retry.Deadline;
import org.jspecify.annotations.Nullable;

/**
 * The deadline of the attempt running on this thread, behind {@link Deadline#current()}: set by the
 * failover and hedging engines around each attempt's call, and put back as it was afterwards.
 */
public final class CurrentDeadline {

    private static final ThreadLocal<@Nullable Deadline> CURRENT = new ThreadLocal<>();

    private CurrentDeadline() {
    }

    /** @return the deadline of the attempt running on this thread, or null */
    public static @Nullable Deadline get() {
        return CURRENT.get();
    }

    /**
     * Makes {@code deadline} current on this thread; null leaves the current one (an outer call's
     * deadline still bounds a call that has none of its own).
     *
     * @param deadline the attempt's deadline, or null for none
     * @return what was current before, to hand to {@link #restore(Deadline)}
     */
    public static @Nullable Deadline set(@Nullable Deadline deadline) {
        Deadline previous = CURRENT.get();
        if (deadline != null && deadline != previous) {
            CURRENT.set(deadline);
        }
        return previous;
    }

    /**
     * Puts back what {@link #set(Deadline)} returned.
     *
     * @param previous the deadline current before
     */
    public static void restore(@Nullable Deadline previous) {
        if (previous == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(previous);
        }
    }
}
