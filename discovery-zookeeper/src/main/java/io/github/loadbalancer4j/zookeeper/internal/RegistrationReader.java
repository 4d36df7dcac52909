package io.github.loadbalancer4j.zookeeper.internal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.zookeeper.UnreadableRegistrationException;
import io.github.loadbalancer4j.zookeeper.ZookeeperInstanceMapper;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.curator.x.discovery.ServiceType;
import org.apache.curator.x.discovery.details.InstanceSerializer;
import org.jspecify.annotations.Nullable;

/**
 * Reads the JSON Curator's {@code JsonInstanceSerializer} writes, whatever the payload class was, and
 * maps it at once. It never throws: a node that cannot be read becomes a {@link ReadResult} holding
 * the failure, so the service cache keeps tracking the node (a later fix or removal is seen) and the
 * source reports it instead of Curator logging and dropping the event.
 */
final class RegistrationReader implements InstanceSerializer<ReadResult> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DATA_PREVIEW = 200;

    private final String serviceName;
    private final String servicePath;
    private final ZookeeperInstanceMapper mapper;

    RegistrationReader(String serviceName, String servicePath, ZookeeperInstanceMapper mapper) {
        this.serviceName = serviceName;
        this.servicePath = servicePath;
        this.mapper = mapper;
    }

    @Override
    public org.apache.curator.x.discovery.ServiceInstance<ReadResult> deserialize(byte @Nullable [] bytes) {
        ReadResult result = read(bytes == null ? new byte[0] : bytes);
        // The service cache keys its entries by node name; this wrapper only carries the result.
        return new org.apache.curator.x.discovery.ServiceInstance<>(serviceName, "node", null, null, null, result,
                0L, ServiceType.DYNAMIC, null, true);
    }

    @Override
    public byte[] serialize(org.apache.curator.x.discovery.ServiceInstance<ReadResult> instance) {
        throw new UnsupportedOperationException("ZookeeperInstanceSource only reads registrations");
    }

    ReadResult read(byte[] bytes) {
        org.apache.curator.x.discovery.ServiceInstance<JsonNode> registration;
        try {
            registration = parse(bytes);
        } catch (Exception e) {
            return ReadResult.failed(new UnreadableRegistrationException(servicePath, null, preview(bytes), e));
        }
        ServiceInstance instance;
        try {
            instance = mapper.map(registration);
        } catch (RuntimeException e) {
            return ReadResult.failed(new UnreadableRegistrationException(servicePath, registration.getId(), preview(bytes), e));
        }
        return ReadResult.of(instance);
    }

    private static org.apache.curator.x.discovery.ServiceInstance<JsonNode> parse(byte[] bytes) throws Exception {
        JsonNode root = JSON.readTree(bytes);
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("data: " + (root == null || root.isMissingNode() ? "empty" : root.getNodeType())
                    + " (expected: a JSON object)");
        }
        String name = requiredText(root, "name");
        String id = requiredText(root, "id");
        JsonNode payload = root.get("payload");
        return new org.apache.curator.x.discovery.ServiceInstance<>(
                name,
                id,
                optionalText(root, "address"),
                optionalInt(root, "port"),
                optionalInt(root, "sslPort"),
                payload == null ? NullNode.getInstance() : payload,
                root.path("registrationTimeUTC").asLong(0L),
                serviceType(root),
                null,
                root.path("enabled").asBoolean(true));
    }

    private static String requiredText(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || !node.isTextual() || node.asText().isEmpty()) {
            throw new IllegalArgumentException(field + ": " + node + " (expected: a non-empty string)");
        }
        return node.asText();
    }

    private static @Nullable String optionalText(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new IllegalArgumentException(field + ": " + node + " (expected: a string)");
        }
        return node.asText();
    }

    private static @Nullable Integer optionalInt(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw new IllegalArgumentException(field + ": " + node + " (expected: an integer)");
        }
        return node.intValue();
    }

    private static ServiceType serviceType(JsonNode root) {
        JsonNode node = root.get("serviceType");
        if (node == null || node.isNull()) {
            return ServiceType.DYNAMIC;
        }
        try {
            return ServiceType.valueOf(node.asText().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("serviceType: " + node + " (expected: one of DYNAMIC, STATIC, PERMANENT, DYNAMIC_SEQUENTIAL)", e);
        }
    }

    private static String preview(byte[] bytes) {
        String text = new String(bytes, 0, Math.min(bytes.length, DATA_PREVIEW * 4), StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(Math.min(text.length(), DATA_PREVIEW + 3));
        for (int i = 0; i < text.length() && sb.length() < DATA_PREVIEW; i++) {
            char c = text.charAt(i);
            sb.append(Character.isISOControl(c) ? '?' : c);
        }
        if (text.length() > DATA_PREVIEW) {
            sb.append("...");
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "RegistrationReader{" + requireNonNull(servicePath) + ", " + mapper + "}";
    }
}
