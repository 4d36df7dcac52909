package io.github.loadbalancer4j.internal;

import io.github.loadbalancer4j.Candidate;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Several {@link CallObserver}s as one, so the hot path still reads a single field. */
final class CallObservers implements CallObserver {

    private final CallObserver[] observers;

    private CallObservers(CallObserver[] observers) {
        this.observers = observers;
    }

    /** @return null for none, the observer itself for one, else one that tells each in turn */
    static @Nullable CallObserver of(List<CallObserver> observers) {
        switch (observers.size()) {
            case 0:
                return null;
            case 1:
                return observers.get(0);
            default:
                return new CallObservers(observers.toArray(new CallObserver[0]));
        }
    }

    @Override
    public void onSelected(Candidate state) {
        for (CallObserver observer : observers) {
            observer.onSelected(state);
        }
    }

    @Override
    public void onEnded(Candidate state, long durationNanos, Outcome outcome) {
        for (CallObserver observer : observers) {
            observer.onEnded(state, durationNanos, outcome);
        }
    }
}
