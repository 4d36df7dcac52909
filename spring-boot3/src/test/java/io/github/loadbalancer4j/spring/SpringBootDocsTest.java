package io.github.loadbalancer4j.spring;

import static io.github.loadbalancer4j.spring.Contexts.loadBalancer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.health.HealthCheckConfig;
import io.github.loadbalancer4j.retry.RetryBudget;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.web.client.RestClientAutoConfiguration;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/** The examples of {@code docs/spring-boot.md}: its YAML, read from the page, and its Java. */
class SpringBootDocsTest {

    /** The page's first {@code yaml} block after its {@code yaml} anchor. */
    static String yamlOfThePage() throws IOException {
        Path page = Path.of(System.getProperty("basedir", "."), "..", "docs", "spring-boot.md");
        String text = Files.readString(page, StandardCharsets.UTF_8);
        int anchor = text.indexOf("<a id=\"yaml\"></a>");
        int start = text.indexOf("```yaml\n", anchor) + "```yaml\n".length();
        return text.substring(start, text.indexOf("```", start));
    }

    @Test
    void thePagesYamlMakesTheLoadBalancersItDescribes() throws IOException {
        List<PropertySource<?>> yaml = new YamlPropertySourceLoader().load("spring-boot.md",
                new ByteArrayResource(yamlOfThePage().getBytes(StandardCharsets.UTF_8)));

        Contexts.runner()
                .withConfiguration(Contexts.SIMPLE_DISCOVERY)
                .withInitializer(context -> yaml.forEach(source -> context.getEnvironment().getPropertySources().addFirst(source)))
                .withPropertyValues("spring.cloud.discovery.client.simple.instances.payments[0].uri=http://127.0.0.1:8083")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    LoadBalancer orders = loadBalancer(context, "orders");
                    LoadBalancer payments = loadBalancer(context, "payments");
                    HealthCheckConfig check = orders.getConfig().getHealthCheck();
                    LoadBalancerRoute paymentsRoute = context.getBean(ConfiguredLoadBalancers.class).find("payments");
                    RetryBudget budget = paymentsRoute.retryBudget();

                    assertThat(orders.getSelectionStrategy()).isEqualTo(SelectionStrategy.leastRequests());
                    assertThat(orders.getInstances()).extracting(s -> s.instance().id())
                            .containsExactly("127.0.0.1:8081", "127.0.0.1:8082");
                    assertThat(orders.getInstances().get(0).circuitBreaker().getCircuitBreakerConfig().getSlidingWindowSize())
                            .isEqualTo(20);
                    assertThat(check.getChecker().toString()).contains("/health");
                    assertThat(check.getInterval()).isEqualTo(Duration.ofSeconds(5));
                    assertThat(check.getTimeout()).isEqualTo(Duration.ofSeconds(1));
                    assertThat(check.getUnhealthyThreshold()).isEqualTo(3);
                    assertThat(check.getHealthyThreshold()).isEqualTo(2);
                    assertThat(payments.getSelectionStrategy()).isEqualTo(SelectionStrategy.peakEwma());
                    assertThat(payments.getInstances()).extracting(s -> s.instance().id()).containsExactly("127.0.0.1:8083");
                    assertThat(paymentsRoute.retry().getRetryConfig().getMaxAttempts()).isEqualTo(3);
                    assertThat(budget.getPercentCanRetry()).isEqualTo(0.2);
                    assertThat(budget.getMinRetriesPerSecond()).isEqualTo(10);
                    assertThat(budget.getTtl()).isEqualTo(Duration.ofSeconds(10));
                });
    }

    @Test
    void thePagesRestClientGoesToTheServicesInstances() {
        Contexts.runner()
                .withConfiguration(AutoConfigurations.of(RestClientAutoConfiguration.class))
                .withUserConfiguration(Example.class)
                .withPropertyValues("loadbalancer4j.instances.orders.static-instances=http://127.0.0.1:1")
                .run(context -> {
                    RestClient orders = context.getBean(RestClient.class);

                    assertThatThrownBy(() -> orders.get().uri("/orders/42").retrieve().body(String.class))
                            .isInstanceOf(ResourceAccessException.class)
                            .hasMessageContaining("127.0.0.1:1")
                            .hasRootCauseInstanceOf(ConnectException.class);
                });
    }

    /** The page's Java example. */
    @Configuration(proxyBeanMethods = false)
    static class Example {

        @Bean
        RestClient orders(RestClient.Builder builder) {
            return builder.baseUrl("http://orders").build();   // each call goes to an instance of 'orders'
        }
    }
}
