package io.github.loadbalancer4j.zookeeper.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.zookeeper.ZookeeperInstanceMapper;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** {@link ZookeeperInstanceMapper#standard()} and its builder's variants. */
public final class StandardInstanceMapper implements ZookeeperInstanceMapper {

    private static final String JACKSON_TYPE_KEY = "@class";

    private final String weightKey;
    private final String zoneKey;
    private final @Nullable String statusKey;
    private final boolean registrationIdAsId;

    /**
     * Creates the mapper.
     *
     * @param weightKey metadata key of the weight
     * @param zoneKey metadata key of the zone
     * @param statusKey metadata key of the status, or null to ignore statuses
     * @param registrationIdAsId whether the registration id becomes the instance id
     */
    public StandardInstanceMapper(String weightKey, String zoneKey, @Nullable String statusKey, boolean registrationIdAsId) {
        this.weightKey = weightKey;
        this.zoneKey = zoneKey;
        this.statusKey = statusKey;
        this.registrationIdAsId = registrationIdAsId;
    }

    @Override
    public @Nullable ServiceInstance map(org.apache.curator.x.discovery.ServiceInstance<JsonNode> registration) {
        if (!registration.isEnabled()) {
            return null;
        }
        Map<String, String> metadata = metadata(registration.getPayload());
        if (statusKey != null) {
            String status = metadata.get(statusKey);
            if (status != null && !status.equalsIgnoreCase("UP")) {
                return null;
            }
        }
        String address = registration.getAddress();
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("address: " + (address == null ? "null" : "'" + address + "'")
                    + " (expected: a host name or address)");
        }
        Integer sslPort = registration.getSslPort();
        Integer port = registration.getPort();
        if (sslPort == null && port == null) {
            throw new IllegalArgumentException("port: null, sslPort: null (expected: at least one of them)");
        }
        boolean secure = sslPort != null;
        ServiceInstance.Builder builder = ServiceInstance.builder(address, secure ? sslPort : port)
                .secure(secure)
                .metadata(metadata);
        String weight = metadata.get(weightKey);
        if (weight != null) {
            builder.weight(parseWeight(weight));
        }
        String zone = metadata.get(zoneKey);
        if (zone != null && !zone.isBlank()) {
            builder.zone(zone);
        }
        if (registrationIdAsId) {
            builder.id(registration.getId());
        }
        return builder.build();
    }

    private int parseWeight(String weight) {
        try {
            return Integer.parseInt(weight.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("weight: '" + weight + "' in metadata '" + weightKey
                    + "' (expected: an integer >= 0)", e);
        }
    }

    private static Map<String, String> metadata(@Nullable JsonNode payload) {
        if (payload == null || !payload.isObject()) {
            return Map.of();
        }
        JsonNode nested = payload.get("metadata");
        JsonNode source = nested != null && nested.isObject() ? nested : payload;
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = source.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode value = field.getValue();
            if (field.getKey().equals(JACKSON_TYPE_KEY) || value.isNull()) {
                continue;
            }
            metadata.put(field.getKey(), value.isValueNode() ? value.asText() : value.toString());
        }
        return metadata;
    }

    @Override
    public String toString() {
        return "ZookeeperInstanceMapper.standard(weightKey=" + weightKey + ", zoneKey=" + zoneKey
                + ", statusKey=" + statusKey + (registrationIdAsId ? ", registrationIdAsId" : "") + ")";
    }
}
