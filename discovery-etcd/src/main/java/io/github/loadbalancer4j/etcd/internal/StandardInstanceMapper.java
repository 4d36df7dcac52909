package io.github.loadbalancer4j.etcd.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.etcd.EtcdInstanceMapper;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** {@link EtcdInstanceMapper#standard()}: {@code host:port}, an http(s) URI, or a JSON object. */
public final class StandardInstanceMapper implements EtcdInstanceMapper {

    /** The one instance; the mapper has no state. */
    public static final StandardInstanceMapper INSTANCE = new StandardInstanceMapper();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EXPECTED_ADDRESS = "(expected: host:port or http(s)://host:port)";

    private StandardInstanceMapper() {
    }

    @Override
    public ServiceInstance map(String key, String value) {
        String text = value.trim();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("value: '" + value + "' (expected: host:port, http(s)://host:port or a JSON object)");
        }
        if (text.startsWith("{")) {
            return fromJson(text);
        }
        return address(text, "value").build();
    }

    /**
     * Parses {@code host:port}, {@code [v6]:port} or an http(s) URI.
     *
     * @param text the address
     * @param field what the text is, for messages
     * @return a builder at that address
     * @throws IllegalArgumentException naming the field and the text when it is not such an address
     */
    static ServiceInstance.Builder address(String text, String field) {
        if (text.contains("://")) {
            try {
                return ServiceInstance.builder(java.net.URI.create(text));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(field + ": '" + text + "' " + EXPECTED_ADDRESS + ": " + e.getMessage(), e);
            }
        }
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException(field + ": '" + text + "' " + EXPECTED_ADDRESS);
        }
        String host = text.substring(0, colon);
        boolean bracketed = host.startsWith("[") && host.endsWith("]");
        if (!bracketed && host.indexOf(':') >= 0) {
            throw new IllegalArgumentException(field + ": '" + text + "' (expected: an IPv6 address in brackets, as in [::1]:8080)");
        }
        return ServiceInstance.builder(host, port(text.substring(colon + 1), field, text));
    }

    private static int port(String port, String field, String text) {
        try {
            return Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + ": '" + text + "' (expected: a port 1-65535 after the last ':')", e);
        }
    }

    private static ServiceInstance fromJson(String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("value: not JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("value: not a JSON object");
        }
        ServiceInstance.Builder builder = jsonAddress(root);
        JsonNode secure = root.get("secure");
        if (secure != null && !secure.isNull()) {
            if (!secure.isBoolean()) {
                throw new IllegalArgumentException("secure: " + secure + " (expected: true or false)");
            }
            builder.secure(secure.booleanValue());
        }
        JsonNode weight = root.get("weight");
        if (weight != null && !weight.isNull()) {
            builder.weight(weight(weight));
        }
        JsonNode zone = root.get("zone");
        if (zone != null && !zone.isNull()) {
            if (!zone.isTextual()) {
                throw new IllegalArgumentException("zone: " + zone + " (expected: a string)");
            }
            builder.zone(zone.textValue());
        }
        JsonNode metadata = root.has("metadata") ? root.get("metadata") : root.get("Metadata");
        builder.metadata(metadata(metadata));
        return builder.build();
    }

    private static ServiceInstance.Builder jsonAddress(JsonNode root) {
        for (String field : new String[] {"uri", "address", "Addr"}) {
            JsonNode node = root.get(field);
            if (node != null && !node.isNull()) {
                if (!node.isTextual() || node.textValue().isBlank()) {
                    throw new IllegalArgumentException(field + ": " + node + " " + EXPECTED_ADDRESS);
                }
                return address(node.textValue().trim(), field);
            }
        }
        JsonNode host = root.get("host");
        JsonNode port = root.get("port");
        if (host == null || !host.isTextual() || port == null || port.isNull()) {
            throw new IllegalArgumentException("no address (expected: \"uri\", \"address\", \"Addr\", or \"host\" and \"port\")");
        }
        int p;
        if (port.isIntegralNumber() && port.canConvertToInt()) {
            p = port.intValue();
        } else if (port.isTextual()) {
            p = port(port.textValue().trim(), "port", port.textValue());
        } else {
            throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
        }
        return ServiceInstance.builder(host.textValue(), p);
    }

    private static int weight(JsonNode weight) {
        if (weight.isIntegralNumber() && weight.canConvertToInt()) {
            return weight.intValue();
        }
        if (weight.isTextual()) {
            try {
                return Integer.parseInt(weight.textValue().trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("weight: " + weight + " (expected: an integer >= 0)", e);
            }
        }
        throw new IllegalArgumentException("weight: " + weight + " (expected: an integer >= 0)");
    }

    private static Map<String, String> metadata(@Nullable JsonNode metadata) {
        if (metadata == null || !metadata.isObject()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = metadata.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode value = field.getValue();
            if (!value.isNull()) {
                out.put(field.getKey(), value.isTextual() ? value.textValue() : value.toString());
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "EtcdInstanceMapper.standard()";
    }
}
