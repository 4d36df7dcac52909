package io.github.loadbalancer4j.okhttp.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import okhttp3.Call;

/**
 * Waits out a retry interval on the calling thread (OkHttp interceptors are synchronous) while
 * watching the call: a cancel, or the call timeout (which OkHttp turns into a cancel), ends the
 * wait at once.
 *
 * <p>Public for the loadbalancer4j modules; not API.
 */
public final class Backoff {

    /** How often a waiting call looks at its cancel flag: OkHttp offers no cancel callback here. */
    static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private Backoff() {
    }

    /**
     * Waits.
     *
     * @param call the call that waits
     * @param millis how long, {@code >= 0}
     * @return true when the time passed; false when the call was canceled (or the thread interrupted,
     *     whose flag is kept) first
     */
    public static boolean await(Call call, long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!call.isCanceled()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return true;
            }
            LockSupport.parkNanos(Math.min(left, SLICE_NANOS));
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
        }
        return false;
    }
}
