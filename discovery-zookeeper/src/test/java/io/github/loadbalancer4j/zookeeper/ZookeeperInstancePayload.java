package io.github.loadbalancer4j.zookeeper;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A payload of the shape Spring Cloud Zookeeper registers ({@code ZookeeperInstance}: id, name and a
 * metadata map, written with Jackson's {@code @class} property), so the tests write what Spring writes.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.CLASS, include = JsonTypeInfo.As.PROPERTY, property = "@class")
public class ZookeeperInstancePayload {
    private String id = "";
    private String name = "";
    private Map<String, String> metadata = new LinkedHashMap<>();

    /** For Jackson. */
    public ZookeeperInstancePayload() {
    }

    ZookeeperInstancePayload(String name, Map<String, String> metadata) {
        this.id = name;
        this.name = name;
        this.metadata = new LinkedHashMap<>(metadata);
    }

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Map<String, String> getMetadata() {
        return metadata;
    }

    public void setMetadata(Map<String, String> metadata) {
        this.metadata = metadata;
    }
}
