package io.github.loadbalancer4j.spring.app;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A Spring Boot application that calls other services the way an application of our users does:
 * through the RestClient and WebClient it builds from Spring Boot's builders, which the
 * auto-configuration gives the load balancing interceptor and filter.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class ClientApplication {

    /**
     * @param builder Spring Boot's builder
     * @return the application's RestClient
     */
    @Bean
    RestClient restClient(RestClient.Builder builder) {
        return builder.build();
    }

    /**
     * @param builder Spring Boot's builder
     * @return the application's WebClient
     */
    @Bean
    WebClient webClient(WebClient.Builder builder) {
        return builder.build();
    }
}
