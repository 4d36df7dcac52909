package io.github.loadbalancer4j.spring.internal;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.spring.UnreadableServiceInstanceException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Turns the instances a Spring Cloud {@code DiscoveryClient} lists into loadbalancer4j instances: host,
 * port and {@code isSecure()} as they are, the metadata copied, the weight and the zone read from the
 * first metadata key of a list that is present (Spring Cloud's {@code weight}, Nacos'
 * {@code nacos.weight}; Eureka's and Consul's {@code zone}, Nacos' {@code nacos.cluster}). The id stays
 * {@code host:port}, so an instance keeps its breaker across refreshes and registries.
 *
 * <p>Public for the loadbalancer4j modules; not API.
 */
public final class ServiceInstanceMapper {

    private final String serviceId;
    private final List<String> weightKeys;
    private final List<String> zoneKeys;

    /**
     * @param serviceId the service, for messages
     * @param weightKeys metadata keys read for the weight, first present wins
     * @param zoneKeys metadata keys read for the zone, first present wins
     */
    public ServiceInstanceMapper(String serviceId, List<String> weightKeys, List<String> zoneKeys) {
        this.serviceId = requireNonNull(serviceId, "serviceId");
        this.weightKeys = List.copyOf(weightKeys);
        this.zoneKeys = List.copyOf(zoneKeys);
    }

    /**
     * Maps one answer.
     *
     * @param listed what the DiscoveryClient listed
     * @return the instances, and the problems found (by instance) in the answer
     */
    public Mapped map(List<org.springframework.cloud.client.ServiceInstance> listed) {
        List<ServiceInstance> instances = new ArrayList<>(listed.size());
        Map<String, UnreadableServiceInstanceException> unreadable = new LinkedHashMap<>();
        for (org.springframework.cloud.client.ServiceInstance discovered : listed) {
            if (discovered == null) {
                continue;
            }
            String name = describe(discovered);
            ServiceInstance.Builder builder;
            try {
                builder = ServiceInstance.builder(requireNonNull(discovered.getHost(), "host"), discovered.getPort())
                        .secure(discovered.isSecure())
                        .metadata(withoutNulls(discovered.getMetadata()));
                String zone = first(discovered.getMetadata(), zoneKeys);
                if (zone != null && !zone.isBlank()) {
                    builder.zone(zone);
                }
            } catch (RuntimeException e) {
                unreadable.put(name + ": " + e.getMessage(), new UnreadableServiceInstanceException(serviceId,
                        "Skipped instance " + name + " of service '" + serviceId + "': " + e.getMessage(), e));
                continue;
            }
            String weight = first(discovered.getMetadata(), weightKeys);
            if (weight != null) {
                try {
                    builder.weight(parseWeight(weight));
                } catch (IllegalArgumentException e) {
                    unreadable.put(name + ": weight " + weight, new UnreadableServiceInstanceException(serviceId,
                            "Instance " + name + " of service '" + serviceId + "' keeps the default weight "
                                    + ServiceInstance.DEFAULT_WEIGHT + ": " + e.getMessage(), e));
                }
            }
            instances.add(builder.build());
        }
        return new Mapped(List.copyOf(instances), unreadable);
    }

    /**
     * A weight as discovery systems write it: an integer, or a decimal (Nacos writes {@code 1.0}),
     * rounded to the nearest integer; a positive weight below 0.5 becomes 1 rather than 0 (which would
     * starve the instance).
     */
    static int parseWeight(String text) {
        double value;
        try {
            value = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("weight: '" + text + "' (expected: a number >= 0)", e);
        }
        if (!(value >= 0) || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("weight: '" + text + "' (expected: a number >= 0)");
        }
        long rounded = Math.round(value);
        return value > 0 && rounded == 0 ? 1 : (int) rounded;
    }

    private static @Nullable String first(@Nullable Map<String, String> metadata, List<String> keys) {
        if (metadata == null) {
            return null;
        }
        for (String key : keys) {
            String value = metadata.get(key);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    private static Map<String, String> withoutNulls(@Nullable Map<String, String> metadata) {
        Map<String, String> copy = new LinkedHashMap<>();
        if (metadata != null) {
            metadata.forEach((k, v) -> {
                if (k != null && v != null) {
                    copy.put(k, v);
                }
            });
        }
        return copy;
    }

    private static String describe(org.springframework.cloud.client.ServiceInstance instance) {
        String id = instance.getInstanceId();
        String address = instance.getHost() + ":" + instance.getPort();
        return id == null || id.equals(address) ? "'" + address + "'" : "'" + id + "' (" + address + ")";
    }

    /** One answer, mapped. */
    public static final class Mapped {
        private final List<ServiceInstance> instances;
        private final Map<String, UnreadableServiceInstanceException> unreadable;

        Mapped(List<ServiceInstance> instances, Map<String, UnreadableServiceInstanceException> unreadable) {
            this.instances = instances;
            this.unreadable = unreadable;
        }

        /** @return the instances to apply */
        public List<ServiceInstance> instances() {
            return instances;
        }

        /** @return the problems of this answer, keyed so that the same problem has the same key in the next answer */
        public Map<String, UnreadableServiceInstanceException> unreadable() {
            return unreadable;
        }
    }
}
