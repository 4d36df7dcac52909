package io.github.loadbalancer4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.loadbalancer4j.LoadBalancerRegistry;
import io.github.loadbalancer4j.micrometer.TaggedLoadBalancerMetrics;
import io.github.loadbalancer4j.micrometer.TaggedRetryBudgetMetrics;
import io.github.loadbalancer4j.okhttp.LoadBalancingInterceptor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.health.HealthContributorAutoConfiguration;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.web.client.RestClientAutoConfiguration;
import org.springframework.boot.autoconfigure.web.client.RestTemplateAutoConfiguration;
import org.springframework.boot.autoconfigure.web.reactive.function.client.WebClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.web.client.RestTemplateBuilder;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.WebClient;

/** Each bean of the auto-configuration is there exactly when what it needs is. */
class ConditionalBeansTest {

    private static final String ORDERS = "loadbalancer4j.instances.orders.static-instances=http://10.0.1.10:8080";

    private static ApplicationContextRunner clients() {
        return Contexts.runner()
                .withConfiguration(AutoConfigurations.of(RestClientAutoConfiguration.class, RestTemplateAutoConfiguration.class,
                        WebClientAutoConfiguration.class))
                .withPropertyValues(ORDERS);
    }

    private static ApplicationContextRunner runner() {
        return clients()
                .withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class, HealthContributorAutoConfiguration.class))
                .withPropertyValues("management.endpoints.web.exposure.include=loadbalancers,health");
    }

    @Test
    void theLoadBalancersTheirRegistryAndTheClientsAreThereByDefault() {
        runner().run(context -> {
            assertThat(context).hasSingleBean(ConfiguredLoadBalancers.class);
            assertThat(context).hasSingleBean(LoadBalancerRegistry.class);
            assertThat(context).hasSingleBean(LoadBalancingClientHttpRequestInterceptor.class);
            assertThat(context).hasSingleBean(LoadBalancingExchangeFilterFunction.class);
            assertThat(context).hasSingleBean(LoadBalancingInterceptor.class);
            assertThat(context).hasSingleBean(LoadBalancersEndpoint.class);
            assertThat(context).hasBean("loadbalancersHealthIndicator");
        });
    }

    @Test
    void springBootsBuildersGetTheInterceptorAndTheFilter() {
        runner().run(context -> {
            RestClient.Builder restClient = context.getBean(RestClient.Builder.class);
            RestTemplate restTemplate = context.getBean(RestTemplateBuilder.class).build();
            WebClient.Builder webClient = context.getBean(WebClient.Builder.class);
            LoadBalancingClientHttpRequestInterceptor interceptor = context.getBean(LoadBalancingClientHttpRequestInterceptor.class);

            restClient.requestInterceptors(list -> assertThat(list).containsExactly(interceptor));
            assertThat(restTemplate.getInterceptors()).containsExactly(interceptor);
            webClient.filters(list -> assertThat(list).containsExactly(context.getBean(LoadBalancingExchangeFilterFunction.class)));
        });
    }

    @Test
    void customizeBuildersFalseLeavesSpringBootsBuildersAlone() {
        runner().withPropertyValues("loadbalancer4j.clients.customize-builders=false").run(context -> {
            assertThat(context).doesNotHaveBean("loadBalancer4jRestClientCustomizer");
            assertThat(context).doesNotHaveBean("loadBalancer4jRestTemplateCustomizer");
            assertThat(context).doesNotHaveBean("loadBalancer4jWebClientCustomizer");
            assertThat(context).hasSingleBean(LoadBalancingClientHttpRequestInterceptor.class);
            context.getBean(RestClient.Builder.class).requestInterceptors(list -> assertThat(list).isEmpty());
        });
    }

    @Test
    void withoutOkHttpThereIsNoOkHttpInterceptor() {
        runner().withClassLoader(new FilteredClassLoader("okhttp3", "io.github.loadbalancer4j.okhttp"))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("loadBalancingInterceptor"));
    }

    @Test
    void withoutWebFluxThereIsNoFilter() {
        runner().withClassLoader(new FilteredClassLoader(WebClient.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(LoadBalancingExchangeFilterFunction.class)
                        .hasSingleBean(LoadBalancingClientHttpRequestInterceptor.class));
    }

    @Test
    void withoutSpringWebThereIsNoInterceptor() {
        new ApplicationContextRunner().withConfiguration(Contexts.LOADBALANCER4J).withPropertyValues(ORDERS)
                .withClassLoader(new FilteredClassLoader(RestClient.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(LoadBalancingClientHttpRequestInterceptor.class)
                        .hasSingleBean(ConfiguredLoadBalancers.class));
    }

    @Test
    void withoutSpringCloudStaticServicesStillWork() {
        new ApplicationContextRunner().withConfiguration(Contexts.LOADBALANCER4J).withPropertyValues(ORDERS)
                .withClassLoader(new FilteredClassLoader("org.springframework.cloud"))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(ConfiguredLoadBalancers.class).find("orders")).isNotNull();
                });
    }

    @Test
    void withoutActuatorThereIsNoEndpointNorHealthIndicator() {
        clients().withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(LoadBalancersEndpoint.class)
                        .doesNotHaveBean("loadbalancersHealthIndicator"));
    }

    @Test
    void theHealthIndicatorCanBeTurnedOffAndIsDownWhenAServiceHasNoAvailableInstance() {
        runner().withPropertyValues("management.health.loadbalancers.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean("loadbalancersHealthIndicator"));
        runner().run(context -> {
            LoadBalancersHealthIndicator health = context.getBean(LoadBalancersHealthIndicator.class);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);

            Contexts.loadBalancer(context, "orders").getInstances().get(0).circuitBreaker().transitionToOpenState();

            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> health.health().getStatus().equals(Status.DOWN));
            assertThat(health.health().getDetails()).containsKey("orders");
        });
    }

    @Test
    void meterBindersComeWithAMeterRegistryAndRegisterTheMeters() {
        runner().run(context -> assertThat(context).doesNotHaveBean("loadBalancer4jMetrics"));
        runner().withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withPropertyValues(
                        "resilience4j.retry.instances.orders.max-attempts=2",
                        "loadbalancer4j.instances.orders.retry=orders")
                .run(context -> {
                    MeterRegistry meters = context.getBean(MeterRegistry.class);
                    context.getBean("loadBalancer4jMetrics", io.micrometer.core.instrument.binder.MeterBinder.class).bindTo(meters);
                    context.getBean("loadBalancer4jRetryBudgetMetrics", io.micrometer.core.instrument.binder.MeterBinder.class)
                            .bindTo(meters);

                    assertThat(meters.find(TaggedLoadBalancerMetrics.KNOWN_INSTANCES).tag(TaggedLoadBalancerMetrics.TAG_NAME, "orders")
                            .gauge()).isNotNull();
                    assertThat(meters.find(TaggedRetryBudgetMetrics.BALANCE).tag(TaggedRetryBudgetMetrics.TAG_NAME, "orders")
                            .gauge()).isNotNull();
                });
    }

    @Test
    void theApplicationsOwnBeansWin() {
        runner().withBean("myInterceptor", LoadBalancingClientHttpRequestInterceptor.class,
                        () -> LoadBalancingClientHttpRequestInterceptor.of(host -> null))
                .run(context -> assertThat(context).getBeans(LoadBalancingClientHttpRequestInterceptor.class).containsOnlyKeys("myInterceptor"));
    }
}
