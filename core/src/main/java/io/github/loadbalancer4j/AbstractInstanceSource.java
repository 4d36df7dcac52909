package io.github.loadbalancer4j;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A base for {@link InstanceSource} implementations that keeps the rules every source must keep:
 * subclasses call {@link #publish(List)} with each whole list they learn and
 * {@link #publishFailure(Throwable)} when discovery fails; this class collapses duplicate ids,
 * keeps the last good list, and tells the listeners (catching what they throw).
 *
 * <p>A listener that subscribes after discovery failed and before any list was published (a load
 * balancer built on a source whose first lookup failed) is told of that failure right after the
 * initial list, so that it can say why it has no instances.
 */
public abstract class AbstractInstanceSource implements InstanceSource {

    private static final Logger LOG = LoggerFactory.getLogger(AbstractInstanceSource.class);

    private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Object publishLock = new Object();
    private volatile List<ServiceInstance> current;
    // Guarded by publishLock: the last failure while no list has been published yet.
    private @Nullable Throwable failureBeforeFirstList;
    private boolean published;

    /**
     * Creates a source whose list starts as {@code initial}.
     *
     * @param initial the first list (duplicates collapsed; reported to nobody, as nobody listens yet)
     */
    protected AbstractInstanceSource(List<ServiceInstance> initial) {
        this.current = collapse(initial, new ArrayList<>());
    }

    @Override
    public final List<ServiceInstance> instances() {
        return current;
    }

    /**
     * Registers a listener: it gets the current list at once, then the failure that kept the first
     * list from coming (if any), then each of {@link #standingFailures()}; then every change and failure.
     *
     * @param listener the listener; exceptions it throws are caught
     * @return closing it unsubscribes the listener
     */
    @Override
    public Subscription subscribe(Listener listener) {
        requireNonNull(listener, "listener");
        synchronized (publishLock) {
            listeners.add(listener);
            deliver(listener, current);
            if (failureBeforeFirstList != null) {
                tellFailure(listener, failureBeforeFirstList);
            }
            for (Throwable standing : standingFailures()) {
                tellFailure(listener, standing);
            }
        }
        return () -> listeners.remove(listener);
    }

    /**
     * Failures that still hold while the list is applied, such as entries of the last answer that
     * could not be read and were skipped. A listener that subscribes is told of each (after the list),
     * so it learns of them even though they were reported before it came. None by default.
     *
     * @return the failures that hold now; must not block
     */
    protected List<? extends Throwable> standingFailures() {
        return List.of();
    }

    /**
     * Applies a new whole list: duplicate ids are collapsed (first wins) and reported, then every
     * listener gets the list. An empty list is applied: call {@link #publishFailure} instead when
     * discovery could not be reached.
     *
     * @param instances the whole current list
     */
    protected final void publish(List<ServiceInstance> instances) {
        requireNonNull(instances, "instances");
        List<ServiceInstance> dropped = new ArrayList<>();
        List<ServiceInstance> list = collapse(instances, dropped);
        synchronized (publishLock) {
            current = list;
            published = true;
            failureBeforeFirstList = null;
            for (Listener l : listeners) {
                if (!dropped.isEmpty()) {
                    try {
                        l.onDuplicateInstances(List.copyOf(dropped));
                    } catch (RuntimeException e) {
                        LOG.warn("Instance source listener {} failed on duplicates", l, e);
                    }
                }
                deliver(l, list);
            }
        }
    }

    /**
     * Reports a discovery failure; the last good list stays in force.
     *
     * @param cause what went wrong
     */
    protected final void publishFailure(Throwable cause) {
        requireNonNull(cause, "cause");
        synchronized (publishLock) {
            if (!published) {
                failureBeforeFirstList = cause;
            }
            for (Listener l : listeners) {
                tellFailure(l, cause);
            }
        }
    }

    private static void tellFailure(Listener l, Throwable cause) {
        try {
            l.onDiscoveryFailure(cause);
        } catch (RuntimeException e) {
            LOG.warn("Instance source listener {} failed on a discovery failure", l, e);
        }
    }

    @Override
    public void close() {
        listeners.clear();
    }

    private static void deliver(Listener l, List<ServiceInstance> list) {
        try {
            l.onInstances(list);
        } catch (RuntimeException e) {
            LOG.warn("Instance source listener {} failed", l, e);
        }
    }

    /**
     * Drops later instances with an id seen before. One pass with an open-addressing table of
     * positions, over the hash codes instances keep of their ids: no entry object per instance and no
     * id read unless two hash codes meet (a set of ids was most of a list update's cost at 10,000
     * instances and more).
     */
    private static List<ServiceInstance> collapse(List<ServiceInstance> in, List<ServiceInstance> dropped) {
        int n = in.size();
        ServiceInstance[] out = new ServiceInstance[n];
        int[] slots = new int[Integer.highestOneBit(Math.max(2, n) * 2 - 1) << 1]; // a power of two, at least 2n
        int mask = slots.length - 1;
        int kept = 0;
        for (int i = 0; i < n; i++) {
            ServiceInstance instance = in.get(i);
            if (instance == null) {
                throw new NullPointerException("instances[" + i + "]");
            }
            int h = instance.idHash();
            int slot = (h ^ (h >>> 16)) & mask;
            boolean duplicate = false;
            for (int at = slots[slot]; at != 0; at = slots[slot]) { // a slot holds a position in out, plus one
                ServiceInstance seen = out[at - 1];
                if (seen.idHash() == h && seen.id().equals(instance.id())) {
                    duplicate = true;
                    break;
                }
                slot = (slot + 1) & mask;
            }
            if (duplicate) {
                dropped.add(instance);
            } else {
                out[kept++] = instance;
                slots[slot] = kept;
            }
        }
        return List.of(kept == n ? out : Arrays.copyOf(out, kept));
    }

    /** A read-only view of a list fixed at construction. */
    static final class Fixed implements InstanceSource {
        private final MutableInstanceSource delegate;

        Fixed(MutableInstanceSource delegate) {
            this.delegate = delegate;
        }

        @Override
        public List<ServiceInstance> instances() {
            return delegate.instances();
        }

        @Override
        public Subscription subscribe(Listener listener) {
            return delegate.subscribe(listener);
        }

        @Override
        public void close() {
            delegate.close();
        }

        @Override
        public String toString() {
            return "InstanceSource.of(" + instances() + ")";
        }
    }
}
