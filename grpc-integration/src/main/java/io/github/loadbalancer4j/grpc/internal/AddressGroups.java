package io.github.loadbalancer4j.grpc.internal;

import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.grpc.InstanceAttributes;
import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;

/**
 * Instances to address groups and back: one {@link EquivalentAddressGroup} per instance, carrying
 * the instance's id, weight, zone and metadata as {@link InstanceAttributes}.
 */
public final class AddressGroups {

    /** The host of an instance made from an address that has none (in-process, Unix domain socket). */
    static final String NO_HOST = "localhost";
    /** Its port: the instance's id names the address; host and port mean nothing for it. */
    static final int NO_PORT = 1;

    private AddressGroups() {
    }

    /**
     * The group of one instance. A host name is looked up here, on the calling thread (the source's):
     * channels want resolved addresses, and a resolver must not block the channel's own thread. A name
     * that does not resolve gives an unresolved address, which fails to connect with the lookup's error.
     *
     * @param instance the instance
     * @return its group
     */
    public static EquivalentAddressGroup of(ServiceInstance instance) {
        Attributes.Builder attributes = Attributes.newBuilder()
                .set(InstanceAttributes.INSTANCE_ID, instance.id())
                .set(InstanceAttributes.WEIGHT, instance.weight());
        if (instance.zone() != null) {
            attributes.set(InstanceAttributes.ZONE, instance.zone());
        }
        if (!instance.metadata().isEmpty()) {
            attributes.set(InstanceAttributes.METADATA, instance.metadata());
        }
        return new EquivalentAddressGroup(new InetSocketAddress(instance.host(), instance.port()), attributes.build());
    }

    /**
     * The instance a group stands for: from its {@link InstanceAttributes} when it has them, else
     * {@code host:port} of its first address with weight 1. An address without host and port (in
     * process, a Unix socket) gives an instance whose id is the address's text.
     *
     * @param group a group from a name resolver
     * @return the instance
     * @throws IllegalArgumentException if the group's attributes hold a bad value (a negative weight)
     */
    public static ServiceInstance instanceOf(EquivalentAddressGroup group) {
        SocketAddress address = group.getAddresses().get(0);
        Attributes attributes = group.getAttributes();
        String id = attributes.get(InstanceAttributes.INSTANCE_ID);
        ServiceInstance.Builder builder = builderFor(address, id);
        Integer weight = attributes.get(InstanceAttributes.WEIGHT);
        if (weight != null) {
            builder.weight(weight);
        }
        builder.zone(attributes.get(InstanceAttributes.ZONE));
        Map<String, String> metadata = attributes.get(InstanceAttributes.METADATA);
        if (metadata != null) {
            builder.metadata(metadata);
        }
        return builder.build();
    }

    private static ServiceInstance.Builder builderFor(SocketAddress address, @org.jspecify.annotations.Nullable String id) {
        if (address instanceof InetSocketAddress) {
            InetSocketAddress inet = (InetSocketAddress) address;
            try {
                ServiceInstance.Builder builder = ServiceInstance.builder(inet.getHostString(), inet.getPort());
                return id == null ? builder : builder.id(id);
            } catch (IllegalArgumentException notAUrlHost) {
                // A link-local IPv6 address with a zone id, say: the address's text stands for it.
            }
        }
        return ServiceInstance.builder(NO_HOST, NO_PORT).id(id != null ? id : address.toString());
    }
}
