package io.github.loadbalancer4j.consul.internal;

import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.consul.ConsulInstanceMapper;
import io.github.loadbalancer4j.consul.ConsulServiceEntry;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** {@link ConsulInstanceMapper#standard()} and its builder's variants. */
public final class StandardInstanceMapper implements ConsulInstanceMapper {

    private final String zoneKey;
    private final String weightKey;
    private final @Nullable String secureKey;

    /**
     * Creates the mapper.
     *
     * @param zoneKey metadata key of the zone
     * @param weightKey metadata key of the weight
     * @param secureKey metadata key of the https flag, or null for plain http always
     */
    public StandardInstanceMapper(String zoneKey, String weightKey, @Nullable String secureKey) {
        this.zoneKey = zoneKey;
        this.weightKey = weightKey;
        this.secureKey = secureKey;
    }

    @Override
    public ServiceInstance map(ConsulServiceEntry entry) {
        Map<String, String> metadata = metadata(entry);
        boolean secure = secureKey != null && "true".equalsIgnoreCase(metadata.get(secureKey));
        ServiceInstance.Builder builder = ServiceInstance.builder(entry.address(), entry.port())
                .secure(secure)
                .metadata(metadata);
        String weight = metadata.get(weightKey);
        if (weight != null) {
            builder.weight(parseWeight(weight));
        } else if (entry.passingWeight() != null) {
            builder.weight(entry.passingWeight());
        }
        String zone = metadata.get(zoneKey);
        if (zone != null && !zone.isBlank()) {
            builder.zone(zone);
        }
        return builder.build();
    }

    private static Map<String, String> metadata(ConsulServiceEntry entry) {
        Map<String, String> metadata = new LinkedHashMap<>();
        for (String tag : entry.tags()) {
            int eq = tag.indexOf('=');
            if (eq > 0) {
                metadata.put(tag.substring(0, eq), tag.substring(eq + 1));
            }
        }
        metadata.putAll(entry.serviceMeta());
        if (!entry.tags().isEmpty()) {
            metadata.put(TAGS_KEY, String.join(",", entry.tags()));
        }
        if (!entry.serviceId().isEmpty()) {
            metadata.put(SERVICE_ID_KEY, entry.serviceId());
        }
        if (!entry.node().isEmpty()) {
            metadata.put(NODE_KEY, entry.node());
        }
        if (entry.datacenter() != null) {
            metadata.put(DATACENTER_KEY, entry.datacenter());
        }
        return metadata;
    }

    private int parseWeight(String weight) {
        try {
            return Integer.parseInt(weight.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("weight: '" + weight + "' in metadata '" + weightKey
                    + "' (expected: an integer >= 0)", e);
        }
    }

    @Override
    public String toString() {
        return "ConsulInstanceMapper.standard(zoneKey=" + zoneKey + ", weightKey=" + weightKey + ", secureKey=" + secureKey + ")";
    }
}
