package io.github.loadbalancer4j.internal;

import io.github.loadbalancer4j.Candidate;
import java.util.List;

/**
 * What a metrics binder may ask of a load balancer beyond its API: to be told of every call, and its
 * live per-instance states. Core's load balancers implement it; the Micrometer module asks for it by
 * this name instead of casting to the implementation. Public only for other loadbalancer4j modules;
 * not API.
 */
public interface InstrumentedLoadBalancer {

    /**
     * Tells an observer of every call started and ended from now on.
     *
     * @param observer fast, non-blocking, never throwing
     */
    void addCallObserver(CallObserver observer);

    /**
     * Stops telling an observer of calls; does nothing if it was not added.
     *
     * @param observer the observer
     */
    void removeCallObserver(CallObserver observer);

    /** @return the live state of every known instance (in-flight, latency, weight read live), in the source's order */
    List<? extends Candidate> candidates();
}
