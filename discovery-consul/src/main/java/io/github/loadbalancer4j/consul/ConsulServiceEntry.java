package io.github.loadbalancer4j.consul;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One entry of Consul's answer to {@code /v1/health/service/<name>}: a service instance registered on
 * a node, with the fields a {@link ConsulInstanceMapper} needs read out, and the whole JSON for the
 * rest ({@code Checks}, {@code TaggedAddresses}, {@code Connect}, ...).
 *
 * <pre>{@code
 * {"Node":    {"Node": "node-1", "Address": "10.0.1.10", "Datacenter": "dc1", "Meta": {"rack": "r1"}},
 *  "Service": {"ID": "orders-1", "Service": "orders", "Address": "", "Port": 8080,
 *              "Tags": ["v2", "zone=eu-1"], "Meta": {"weight": "3"}, "Weights": {"Passing": 10, "Warning": 1}},
 *  "Checks":  [...]}
 * }</pre>
 */
public final class ConsulServiceEntry {

    private final JsonNode json;
    private final String node;
    private final String nodeAddress;
    private final @Nullable String datacenter;
    private final Map<String, String> nodeMeta;
    private final String serviceId;
    private final String serviceName;
    private final String serviceAddress;
    private final int port;
    private final List<String> tags;
    private final Map<String, String> serviceMeta;
    private final @Nullable Integer passingWeight;

    private ConsulServiceEntry(JsonNode json) {
        this.json = json;
        JsonNode nodeJson = object(json, "Node", "");
        JsonNode service = object(json, "Service", "");
        this.node = text(nodeJson, "Node", "Node.", "");
        this.nodeAddress = text(nodeJson, "Address", "Node.", "");
        String dc = text(nodeJson, "Datacenter", "Node.", "");
        this.datacenter = dc.isEmpty() ? null : dc;
        this.nodeMeta = meta(nodeJson, "Node.");
        this.serviceId = text(service, "ID", "Service.", "");
        this.serviceName = text(service, "Service", "Service.", "");
        this.serviceAddress = text(service, "Address", "Service.", "");
        this.port = port(service);
        this.tags = tags(service);
        this.serviceMeta = meta(service, "Service.");
        this.passingWeight = passingWeight(service);
    }

    /**
     * Reads one entry of a {@code /v1/health/service} answer. Missing fields read as empty (an empty
     * string, port 0, no tags); fields of the wrong type are rejected.
     *
     * @param json one element of the answer's array
     * @return the entry
     * @throws IllegalArgumentException if the element is not an object with {@code Node} and
     *     {@code Service} objects, or a field has the wrong type, naming the field
     */
    public static ConsulServiceEntry of(JsonNode json) {
        requireNonNull(json, "json");
        if (!json.isObject()) {
            throw new IllegalArgumentException("entry: " + json.getNodeType() + " (expected: a JSON object)");
        }
        return new ConsulServiceEntry(json);
    }

    /** @return the entry's whole JSON, as Consul sent it */
    public JsonNode json() {
        return json;
    }

    /** @return {@code Node.Node}, the node's name; empty when absent */
    public String node() {
        return node;
    }

    /** @return {@code Node.Address}, the node's address; empty when absent */
    public String nodeAddress() {
        return nodeAddress;
    }

    /** @return {@code Node.Datacenter}, or null when absent */
    public @Nullable String datacenter() {
        return datacenter;
    }

    /** @return {@code Node.Meta}, the node's metadata; empty when absent */
    public Map<String, String> nodeMeta() {
        return nodeMeta;
    }

    /** @return {@code Service.ID}, unique on its node (not across nodes); empty when absent */
    public String serviceId() {
        return serviceId;
    }

    /** @return {@code Service.Service}, the service's name; empty when absent */
    public String serviceName() {
        return serviceName;
    }

    /** @return {@code Service.Address} as registered; empty when the service was registered without one */
    public String serviceAddress() {
        return serviceAddress;
    }

    /**
     * Where the instance listens, as Consul documents it: the service's own address when it was
     * registered with one, else its node's address.
     *
     * @return {@code Service.Address} when not blank, else {@code Node.Address}; empty when both are
     */
    public String address() {
        return serviceAddress.isBlank() ? nodeAddress : serviceAddress;
    }

    /** @return {@code Service.Port}; 0 when absent */
    public int port() {
        return port;
    }

    /** @return {@code Service.Tags}, in order; empty when absent */
    public List<String> tags() {
        return tags;
    }

    /** @return {@code Service.Meta}, the service's metadata; empty when absent */
    public Map<String, String> serviceMeta() {
        return serviceMeta;
    }

    /** @return {@code Service.Weights.Passing}, or null when the entry has no weights */
    public @Nullable Integer passingWeight() {
        return passingWeight;
    }

    @Override
    public String toString() {
        return "ConsulServiceEntry{" + node + "/" + serviceId + " at " + address() + ":" + port + "}";
    }

    private static JsonNode object(JsonNode parent, String field, String prefix) {
        JsonNode node = parent.get(field);
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(prefix + field + ": " + describe(node) + " (expected: a JSON object)");
        }
        return node;
    }

    private static String text(JsonNode parent, String field, String prefix, String absent) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return absent;
        }
        if (!node.isTextual()) {
            throw new IllegalArgumentException(prefix + field + ": " + node + " (expected: a string)");
        }
        return node.asText();
    }

    private static int port(JsonNode service) {
        JsonNode node = service.get("Port");
        if (node == null || node.isNull()) {
            return 0;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw new IllegalArgumentException("Service.Port: " + node + " (expected: an integer)");
        }
        return node.intValue();
    }

    private static List<String> tags(JsonNode service) {
        JsonNode node = service.get("Tags");
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new IllegalArgumentException("Service.Tags: " + node + " (expected: an array of strings)");
        }
        List<String> out = new ArrayList<>(node.size());
        for (JsonNode tag : node) {
            if (!tag.isTextual()) {
                throw new IllegalArgumentException("Service.Tags: " + node + " (expected: an array of strings)");
            }
            out.add(tag.asText());
        }
        return List.copyOf(out);
    }

    private static Map<String, String> meta(JsonNode parent, String prefix) {
        JsonNode node = parent.get("Meta");
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException(prefix + "Meta: " + node + " (expected: a JSON object)");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode value = field.getValue();
            if (!value.isNull()) {
                out.put(field.getKey(), value.isValueNode() ? value.asText() : value.toString());
            }
        }
        return Collections.unmodifiableMap(out);
    }

    private static @Nullable Integer passingWeight(JsonNode service) {
        JsonNode weights = service.get("Weights");
        if (weights == null || weights.isNull()) {
            return null;
        }
        JsonNode passing = weights.isObject() ? weights.get("Passing") : null;
        if (passing == null || passing.isNull()) {
            if (!weights.isObject()) {
                throw new IllegalArgumentException("Service.Weights: " + weights + " (expected: a JSON object)");
            }
            return null;
        }
        if (!passing.isIntegralNumber() || !passing.canConvertToInt()) {
            throw new IllegalArgumentException("Service.Weights.Passing: " + passing + " (expected: an integer)");
        }
        return passing.intValue();
    }

    private static String describe(@Nullable JsonNode node) {
        return node == null ? "missing" : node.isContainerNode() ? node.getNodeType().toString() : node.toString();
    }
}
