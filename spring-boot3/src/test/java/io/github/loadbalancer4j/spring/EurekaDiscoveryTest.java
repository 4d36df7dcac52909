package io.github.loadbalancer4j.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.spring.app.ClientApplication;
import io.github.loadbalancer4j.spring.eureka.EurekaServerApplication;
import io.github.loadbalancer4j.testing.LoopbackBackends;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

/**
 * Discovery through a real Eureka server (spring-cloud-starter-netflix-eureka-server, in-process on a
 * random port): the backends on 127.0.0.11-13 are registered and deregistered through Eureka's REST
 * API, as Eureka clients do, and the client application's load balancer follows. Eureka's caches are
 * made short (server response cache off, client fetch every second, the source's interval 500 ms).
 */
class EurekaDiscoveryTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static LoopbackBackends backends;
    private static ConfigurableApplicationContext eureka;
    private static ConfigurableApplicationContext client;
    private static String eurekaUrl;

    @BeforeAll
    static void startEurekaAndTheClient() throws IOException {
        backends = LoopbackBackends.http();
        eureka = new SpringApplicationBuilder(EurekaServerApplication.class).properties(
                "server.port=0",
                "server.address=127.0.0.1",
                "spring.application.name=eureka",
                "spring.main.banner-mode=off",
                "eureka.instance.hostname=127.0.0.1",
                "eureka.client.register-with-eureka=false",
                "eureka.client.fetch-registry=false",
                "eureka.server.enable-self-preservation=false",
                "eureka.server.use-read-only-response-cache=false",
                "eureka.server.response-cache-update-interval-ms=100",
                "eureka.server.wait-time-in-ms-when-sync-empty=0",
                "eureka.server.peer-eureka-nodes-update-interval-ms=600000")
                .run();
        int port = ((WebServerApplicationContext) eureka).getWebServer().getPort();
        eurekaUrl = "http://127.0.0.1:" + port + "/eureka";
        client = new SpringApplicationBuilder(ClientApplication.class).web(WebApplicationType.NONE).properties(
                "spring.application.name=client",
                "spring.main.banner-mode=off",
                "eureka.client.service-url.defaultZone=" + eurekaUrl + "/",
                "eureka.client.register-with-eureka=false",
                "eureka.client.registry-fetch-interval-seconds=1",
                // The server's Jersey is on this class path too: the client talks over Spring's RestClient.
                "eureka.client.jersey.enabled=false",
                "eureka.client.restclient.enabled=true",
                "loadbalancer4j.discovery.refresh-interval=500ms",
                "loadbalancer4j.instances.orders.discovery=true",
                "loadbalancer4j.instances.orders.strategy=round-robin")
                .run();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (eureka != null) {
            eureka.close();
        }
        backends.close();
    }

    @Test
    void theLoadBalancerFollowsRegistrationsAndDeregistrations() throws Exception {
        LoadBalancer orders = client.getBean(ConfiguredLoadBalancers.class).loadBalancer("orders").orElseThrow();
        RestClient restClient = client.getBean(RestClient.class);
        String port = String.valueOf(backends.port());

        register(0, "zone-a", "2");
        register(1, "zone-b", "1");
        await().atMost(Duration.ofSeconds(30)).until(() -> ids(orders).equals(Set.of("127.0.0.11:" + port, "127.0.0.12:" + port)));
        ServiceInstance first = orders.getInstances().stream().map(s -> s.instance())
                .filter(i -> i.host().equals("127.0.0.11")).findFirst().orElseThrow();
        Set<String> servedByTwo = served(restClient, 10);

        register(2, "zone-a", "1");
        await().atMost(Duration.ofSeconds(30)).until(() -> ids(orders).size() == 3);
        Set<String> servedByThree = served(restClient, 12);

        deregister(0);
        await().atMost(Duration.ofSeconds(30)).until(() -> ids(orders).equals(Set.of("127.0.0.12:" + port, "127.0.0.13:" + port)));
        int requestsToRemoved = backends.get(0).log().size();
        Set<String> servedAfterRemoval = served(restClient, 12);

        assertThat(first.zone()).isEqualTo("zone-a");
        assertThat(first.weight()).isEqualTo(2);
        assertThat(servedByTwo).containsExactlyInAnyOrder("127.0.0.11", "127.0.0.12");
        assertThat(servedByThree).containsExactlyInAnyOrder("127.0.0.11", "127.0.0.12", "127.0.0.13");
        assertThat(servedAfterRemoval).containsExactlyInAnyOrder("127.0.0.12", "127.0.0.13");
        assertThat(backends.get(0).log()).hasSize(requestsToRemoved);
    }

    private static Set<String> ids(LoadBalancer lb) {
        return lb.getInstances().stream().map(s -> s.instance().id()).collect(Collectors.toSet());
    }

    private static Set<String> served(RestClient restClient, int calls) {
        Set<String> served = new HashSet<>();
        for (int i = 0; i < calls; i++) {
            served.add(restClient.get().uri("http://orders/orders/" + i).retrieve().body(String.class));
        }
        return served;
    }

    private static String instanceId(int backend) {
        return LoopbackBackends.ADDRESSES.get(backend) + ":orders:" + backends.port();
    }

    /** Registers a backend as Eureka's clients do: {@code POST /eureka/apps/ORDERS}. */
    private static void register(int backend, String zone, String weight) throws IOException, InterruptedException {
        String address = LoopbackBackends.ADDRESSES.get(backend);
        String json = "{\"instance\":{"
                + "\"instanceId\":\"" + instanceId(backend) + "\","
                + "\"hostName\":\"" + address + "\",\"ipAddr\":\"" + address + "\","
                + "\"app\":\"ORDERS\",\"vipAddress\":\"orders\",\"status\":\"UP\","
                + "\"port\":{\"$\":" + backends.port() + ",\"@enabled\":\"true\"},"
                + "\"securePort\":{\"$\":443,\"@enabled\":\"false\"},"
                + "\"dataCenterInfo\":{\"@class\":\"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo\",\"name\":\"MyOwn\"},"
                + "\"metadata\":{\"zone\":\"" + zone + "\",\"weight\":\"" + weight + "\"}}}";
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(eurekaUrl + "/apps/ORDERS"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
    }

    /** Deregisters a backend: {@code DELETE /eureka/apps/ORDERS/<instanceId>}. */
    private static void deregister(int backend) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(eurekaUrl + "/apps/ORDERS/" + instanceId(backend)))
                .DELETE().timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }
}
