package io.github.loadbalancer4j.grpc.internal;

import io.github.loadbalancer4j.SelectionContext;
import io.grpc.CallOptions;

/** The call option that hands a call's {@link SelectionContext} to the {@code loadbalancer4j} picker. */
public final class SelectionContexts {

    /** The call's selection context; {@link SelectionContext#empty()} when the call sets none. */
    public static final CallOptions.Key<SelectionContext> KEY =
            CallOptions.Key.createWithDefault("loadbalancer4j.selectionContext", SelectionContext.empty());

    private SelectionContexts() {
    }
}
