package io.github.loadbalancer4j.grpc;

import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import java.util.Map;

/**
 * The attributes {@link InstanceSourceNameResolver} puts on each {@link EquivalentAddressGroup}, one
 * group per {@code ServiceInstance}: its id, weight, zone and metadata. The {@code loadbalancer4j}
 * policy reads them back (so an instance keeps its id, and with it its circuit breaker, across
 * updates); any other policy or interceptor may read them too. A group without them (from another
 * resolver, such as {@code dns:///}) is the instance {@code host:port} with weight 1 and no zone.
 */
public final class InstanceAttributes {

    /** The instance's id ({@code ServiceInstance.id()}), by default {@code host:port}. */
    public static final Attributes.Key<String> INSTANCE_ID = Attributes.Key.create("loadbalancer4j.instanceId");

    /** The instance's weight, {@code >= 0}. */
    public static final Attributes.Key<Integer> WEIGHT = Attributes.Key.create("loadbalancer4j.weight");

    /** The instance's zone; absent when it has none. */
    public static final Attributes.Key<String> ZONE = Attributes.Key.create("loadbalancer4j.zone");

    /** The instance's metadata, an immutable map; absent when empty. */
    public static final Attributes.Key<Map<String, String>> METADATA = Attributes.Key.create("loadbalancer4j.metadata");

    private InstanceAttributes() {
    }
}
