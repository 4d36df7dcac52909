package io.github.loadbalancer4j.consul.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.consul.ConsulInstanceMapper;
import io.github.loadbalancer4j.consul.ConsulServiceEntry;
import io.github.loadbalancer4j.consul.UnreadableConsulEntryException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One successful answer of the health endpoint, read: its {@code X-Consul-Index}, the instances its
 * entries map to (sorted by id), and the entries that could not be read, each with its failure.
 */
final class HealthAnswer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Comparator<ServiceInstance> BY_ID = Comparator.comparing(ServiceInstance::id);
    private static final int ENTRY_PREVIEW = 500;

    private final long index;
    private final boolean indexMissing;
    private final boolean filteredByAcls;
    private final List<ServiceInstance> instances;
    private final Map<String, UnreadableConsulEntryException> unreadable;

    private HealthAnswer(long index, boolean indexMissing, boolean filteredByAcls, List<ServiceInstance> instances,
            Map<String, UnreadableConsulEntryException> unreadable) {
        this.index = index;
        this.indexMissing = indexMissing;
        this.filteredByAcls = filteredByAcls;
        this.instances = instances;
        this.unreadable = unreadable;
    }

    /**
     * Reads an answer.
     *
     * @param serviceName the service asked for, for messages
     * @param indexHeader the {@code X-Consul-Index} header, or null when missing
     * @param filteredHeader the {@code X-Consul-Results-Filtered-By-ACLs} header, or null
     * @param body the body
     * @param mapper maps each entry
     * @return the answer
     * @throws NotAListException if the body is not a JSON array
     */
    static HealthAnswer read(String serviceName, @Nullable String indexHeader, @Nullable String filteredHeader,
            byte[] body, ConsulInstanceMapper mapper) throws NotAListException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new NotAListException("not JSON (" + e.getOriginalMessage() + ")");
        } catch (java.io.IOException e) {
            throw new NotAListException("unreadable: " + e);
        }
        if (root == null || !root.isArray()) {
            throw new NotAListException(root == null || root.isMissingNode() ? "empty" : "a JSON " + root.getNodeType());
        }
        List<ServiceInstance> instances = new ArrayList<>(root.size());
        Map<String, UnreadableConsulEntryException> unreadable = new LinkedHashMap<>();
        for (JsonNode element : root) {
            String text = element.toString();
            try {
                ServiceInstance instance = mapper.map(ConsulServiceEntry.of(element));
                if (instance != null) {
                    instances.add(instance);
                }
            } catch (RuntimeException e) {
                String serviceId = serviceId(element);
                unreadable.putIfAbsent(text, new UnreadableConsulEntryException(serviceName, serviceId, preview(text), e));
            }
        }
        instances.sort(BY_ID);
        Long index = parseIndex(indexHeader);
        return new HealthAnswer(index == null ? 0 : index, index == null, "true".equalsIgnoreCase(filteredHeader),
                List.copyOf(instances), unreadable);
    }

    /** The entry's Service.ID when it has a non-empty one, read even from an entry that failed to read. */
    private static @Nullable String serviceId(JsonNode element) {
        String id = element.path("Service").path("ID").textValue();
        return id == null || id.isEmpty() ? null : id;
    }

    private static @Nullable Long parseIndex(@Nullable String header) {
        if (header == null) {
            return null;
        }
        try {
            return Long.parseUnsignedLong(header.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String preview(String text) {
        return text.length() <= ENTRY_PREVIEW ? text : text.substring(0, ENTRY_PREVIEW) + "...";
    }

    /** @return the answer's {@code X-Consul-Index}, 0 when missing or not a number */
    long index() {
        return index;
    }

    /** @return whether the answer had no usable {@code X-Consul-Index} */
    boolean indexMissing() {
        return indexMissing;
    }

    /** @return whether Consul said its ACLs left entries out of the answer */
    boolean filteredByAcls() {
        return filteredByAcls;
    }

    /** @return the instances, sorted by id */
    List<ServiceInstance> instances() {
        return instances;
    }

    /** @return the entries that could not be read, keyed by their JSON text */
    Map<String, UnreadableConsulEntryException> unreadable() {
        return unreadable;
    }

    /** The body is not a JSON array of entries. */
    static final class NotAListException extends Exception {
        private static final long serialVersionUID = 1L;

        NotAListException(String what) {
            super(what);
        }
    }
}
