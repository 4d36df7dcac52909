package io.github.loadbalancer4j.spring;

import io.github.loadbalancer4j.okhttp.LoadBalancingInterceptor;
import io.github.loadbalancer4j.spring.internal.LazyRoutes;
import okhttp3.OkHttpClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.client.RestClientCustomizer;
import org.springframework.boot.web.client.RestTemplateCustomizer;
import org.springframework.boot.web.reactive.function.client.WebClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Auto-configuration of the HTTP clients that route {@code http://<service>/...} over the configured
 * load balancers: a {@link LoadBalancingClientHttpRequestInterceptor} (added to Spring Boot's
 * {@code RestClient.Builder} and {@code RestTemplateBuilder}), a {@link LoadBalancingExchangeFilterFunction}
 * (added to its {@code WebClient.Builder}), each when its Spring module is on the class path, and the
 * OkHttp module's {@link LoadBalancingInterceptor} when OkHttp is. {@code loadbalancer4j.clients.customize-builders:
 * false} leaves Spring Boot's builders alone (the beans are still there to add by hand). The interceptor
 * and the filter look the load balancers up at their first request, so that making them does not make
 * the load balancers (whose DiscoveryClient may itself be built from those customized builders).
 */
@AutoConfiguration(after = LoadBalancer4jAutoConfiguration.class)
@ConditionalOnBean(ConfiguredLoadBalancers.class)
public class LoadBalancer4jClientsAutoConfiguration {

    private static final String CUSTOMIZE_BUILDERS = LoadBalancer4jProperties.PREFIX + ".clients";

    /** Created by Spring. */
    public LoadBalancer4jClientsAutoConfiguration() {
    }

    /** RestClient and RestTemplate. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({ClientHttpRequestInterceptor.class, RestClient.class})
    static class RestClientConfiguration {

        @Bean
        @ConditionalOnMissingBean
        LoadBalancingClientHttpRequestInterceptor loadBalancingClientHttpRequestInterceptor(
                ObjectProvider<ConfiguredLoadBalancers> loadBalancers) {
            return LoadBalancingClientHttpRequestInterceptor.of(new LazyRoutes(loadBalancers::getObject));
        }

        @Bean
        @ConditionalOnProperty(prefix = CUSTOMIZE_BUILDERS, name = "customize-builders", matchIfMissing = true)
        RestClientCustomizer loadBalancer4jRestClientCustomizer(LoadBalancingClientHttpRequestInterceptor interceptor) {
            return builder -> builder.requestInterceptors(interceptors -> {
                if (!interceptors.contains(interceptor)) {
                    interceptors.add(interceptor); // last: Spring runs later interceptors only for the first attempt
                }
            });
        }

        @Bean
        @ConditionalOnClass(RestTemplate.class)
        @ConditionalOnProperty(prefix = CUSTOMIZE_BUILDERS, name = "customize-builders", matchIfMissing = true)
        RestTemplateCustomizer loadBalancer4jRestTemplateCustomizer(LoadBalancingClientHttpRequestInterceptor interceptor) {
            return restTemplate -> {
                if (!restTemplate.getInterceptors().contains(interceptor)) {
                    restTemplate.getInterceptors().add(interceptor);
                }
            };
        }
    }

    /** WebClient. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(WebClient.class)
    static class WebClientConfiguration {

        @Bean
        @ConditionalOnMissingBean
        LoadBalancingExchangeFilterFunction loadBalancingExchangeFilterFunction(ObjectProvider<ConfiguredLoadBalancers> loadBalancers) {
            return LoadBalancingExchangeFilterFunction.of(new LazyRoutes(loadBalancers::getObject));
        }

        @Bean
        @ConditionalOnProperty(prefix = CUSTOMIZE_BUILDERS, name = "customize-builders", matchIfMissing = true)
        WebClientCustomizer loadBalancer4jWebClientCustomizer(LoadBalancingExchangeFilterFunction filter) {
            return builder -> builder.filters(filters -> {
                if (!filters.contains(filter)) {
                    filters.add(filter);
                }
            });
        }
    }

    /**
     * OkHttp: routes the host names of the registry's load balancers (configured ones, and those made on
     * demand), one attempt per request; for failover build your own interceptor with
     * {@code LoadBalancingInterceptor.builder().registry(registry).retry(retry)}.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({LoadBalancingInterceptor.class, OkHttpClient.class})
    static class OkHttpConfiguration {

        @Bean
        @ConditionalOnMissingBean
        LoadBalancingInterceptor loadBalancingInterceptor(ConfiguredLoadBalancers loadBalancers) {
            return LoadBalancingInterceptor.builder().registry(loadBalancers.getRegistry()).build();
        }
    }
}
