package io.github.loadbalancer4j.internal;

/**
 * Where a load balancer's background work runs (rebuilding its snapshot after availability changes,
 * publishing the events callers cause): normally a thread of the load balancer's own, never the
 * caller's. A thread may ask to run that work itself, at once, when it triggers it: a single-threaded
 * deterministic simulation (the benchmarks module's simulator) and tests in virtual time do, so that
 * the same inputs give the same picks. The choice is per thread and affects no other thread; while
 * no thread has made it, the cost is one volatile read, paid only when background work is triggered.
 * Public only for other loadbalancer4j modules; not API.
 */
public final class BackgroundWork {

    private static final ThreadLocal<Boolean> INLINE = new ThreadLocal<>();
    private static volatile boolean anyInline;

    private BackgroundWork() {
    }

    /**
     * Makes the background work the calling thread triggers run on it, at once, or hands it back to
     * the load balancers' own threads.
     *
     * @param inline true to run it on this thread
     */
    public static void runOnCurrentThread(boolean inline) {
        if (inline) {
            INLINE.set(Boolean.TRUE);
            anyInline = true;
        } else {
            INLINE.remove();
        }
    }

    /** @return whether the calling thread runs the background work it triggers */
    static boolean isInline() {
        return anyInline && INLINE.get() == Boolean.TRUE;
    }
}
