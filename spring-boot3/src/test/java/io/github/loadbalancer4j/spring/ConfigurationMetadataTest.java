package io.github.loadbalancer4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The configuration metadata IDEs complete the keys from is generated, with defaults and descriptions. */
class ConfigurationMetadataTest {

    @Test
    void everyApplicationWideKeyIsDescribedWithItsDefault() throws Exception {
        Map<String, JsonNode> properties = new HashMap<>();
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            new ObjectMapper().readTree(in).get("properties").forEach(p -> properties.put(p.get("name").asText(), p));
        }

        assertThat(properties).containsKeys("loadbalancer4j.configs", "loadbalancer4j.instances",
                "loadbalancer4j.discovery.refresh-interval", "loadbalancer4j.discovery.weight-keys",
                "loadbalancer4j.discovery.zone-keys", "loadbalancer4j.discovery.on-demand",
                "loadbalancer4j.clients.customize-builders", "management.health.loadbalancers.enabled");
        assertThat(properties.get("loadbalancer4j.instances").get("type").asText()).contains("ServiceProperties");
        assertThat(properties.get("loadbalancer4j.discovery.refresh-interval").get("defaultValue").asText()).isEqualTo("30s");
        assertThat(properties.get("loadbalancer4j.clients.customize-builders").get("description").asText()).isNotBlank();
    }
}
