package io.github.loadbalancer4j.grpc.internal;

import io.github.loadbalancer4j.ServiceInstance;
import io.grpc.CallOptions;
import org.jspecify.annotations.Nullable;

/**
 * Where one attempt of a call went: {@code FailoverInterceptor} puts a fresh record in each attempt's
 * call options, and the {@code loadbalancer4j} policy's stream tracer writes the instance into it when
 * the attempt's stream is made on that instance. The record stays empty when no stream was made (no
 * instance was available) or when another policy picked.
 */
public final class AttemptRecord {

    /** The call option that carries the record. */
    public static final CallOptions.Key<@Nullable AttemptRecord> KEY = CallOptions.Key.create("loadbalancer4j.attempt");

    private volatile @Nullable ServiceInstance instance;

    /** @return the instance the attempt's stream went to, or null if none was made by the policy */
    public @Nullable ServiceInstance instance() {
        return instance;
    }

    void instance(ServiceInstance instance) {
        this.instance = instance;
    }
}
