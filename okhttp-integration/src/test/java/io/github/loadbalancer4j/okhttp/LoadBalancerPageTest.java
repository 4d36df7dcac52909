package io.github.loadbalancer4j.okhttp;

import static io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType.COUNT_BASED;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.LoadBalancerRegistry;
import io.github.loadbalancer4j.testing.LoopbackBackends;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The examples of {@code docs/load-balancer.md}, run: the decorators against three HTTP servers on
 * 127.0.0.11-13, the per-instance breakers in a user's registry, and {@code LoadBalancerRegistry}.
 * Each test holds one example of the page verbatim ({@code DocumentationTest} checks that).
 */
class LoadBalancerPageTest {

    private static final Logger log = LoggerFactory.getLogger(LoadBalancerPageTest.class);

    @Test
    void everyDecoratorSendsItsCallToAnInstanceOfTheSource() throws Exception {
        try (LoopbackBackends backends = LoopbackBackends.http(); Http http = new Http()) {
            InstanceSource source = InstanceSource.of(backends.instances());

            LoadBalancer orders = LoadBalancer.of("orders", source);

            Supplier<String> get = LoadBalancer.decorateSupplier(orders, instance -> http.get(instance.uri("/orders/42")));
            Callable<String> callable = LoadBalancer.decorateCallable(orders, instance -> http.get(instance.uri("/ping")));
            Function<String, String> byId = LoadBalancer.decorateFunction(orders, (instance, id) -> http.get(instance.uri("/orders/" + id)));
            Supplier<CompletionStage<String>> async = LoadBalancer.decorateCompletionStage(orders, instance -> http.getAsync(instance.uri("/x")));
            String now = orders.executeSupplier(instance -> http.get(instance.uri("/orders/42")));

            List<String> answers = List.of(get.get(), callable.call(), byId.apply("7"),
                    async.get().toCompletableFuture().get(10, TimeUnit.SECONDS), now);
            List<String> paths = new CopyOnWriteArrayList<>();
            backends.all().forEach(b -> b.log().stream().map(RecordedRequest::getTarget).forEach(paths::add));
            assertThat(answers).allSatisfy(answer -> assertThat(answer).isIn(LoopbackBackends.ADDRESSES));
            assertThat(paths).containsExactlyInAnyOrder("/orders/42", "/ping", "/orders/7", "/x", "/orders/42");
            assertThat(orders.getInstances()).allSatisfy(status -> assertThat(status.inFlight()).isZero());
            assertThat(orders.getInstances().stream().mapToInt(s -> s.circuitBreaker().getMetrics().getNumberOfSuccessfulCalls()).sum())
                    .isEqualTo(5);
            orders.close();
        }
    }

    @Test
    void instanceBreakersAreMadeInTheUsersRegistryWithItsNamedConfig() {
        InstanceSource source = InstanceSource.ofUris("http://10.0.1.10:8080", "http://10.0.1.11:8080");

        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
        breakers.addConfiguration("per-instance", CircuitBreakerConfig.custom().slidingWindow(10, 5, COUNT_BASED).build());
        LoadBalancer orders = LoadBalancer.of("orders", source, LoadBalancerConfig.custom()
                .circuitBreakerRegistry(breakers)              // your registry: your event consumers and metrics see them
                .circuitBreakerConfigName("per-instance")       // or .circuitBreakerConfig(config)
                .build());

        assertThat(breakers.getAllCircuitBreakers()).extracting(CircuitBreaker::getName)
                .containsExactlyInAnyOrder("orders#10.0.1.10:8080", "orders#10.0.1.11:8080");
        assertThat(breakers.circuitBreaker("orders#10.0.1.10:8080").getCircuitBreakerConfig().getSlidingWindowSize()).isEqualTo(10);
        assertThat(breakers.circuitBreaker("orders#10.0.1.11:8080").getTags())
                .containsEntry("loadbalancer", "orders").containsEntry("instance", "10.0.1.11:8080");

        orders.close();

        assertThat(breakers.getAllCircuitBreakers()).isEmpty();
    }

    @Test
    void theRegistryCreatesFindsAndClosesItsLoadBalancers() {
        LoadBalancerRegistry registry = LoadBalancerRegistry.custom()
                .withLoadBalancerConfig(LoadBalancerConfig.ofDefaults())                   // "default"
                .addLoadBalancerConfig("patient", LoadBalancerConfig.custom().maxSelectionAttempts(5).build())
                .withTags(Map.of("app", "shop"))
                .build();
        registry.getEventPublisher().onEntryAdded(e -> log.info("new load balancer {}", e.getAddedEntry().getName()));

        LoadBalancer orders = registry.loadBalancer("orders", InstanceSource.ofUris("http://10.0.1.10:8080", "http://10.0.1.11:8080"));
        LoadBalancer carts = registry.loadBalancer("carts", () -> InstanceSource.ofUris("http://10.0.2.10:8080"), "patient");

        registry.find("orders");        // Optional<LoadBalancer>
        registry.getAllLoadBalancers(); // a snapshot Set
        registry.remove("carts");       // removes AND closes it; its InstanceSource stays open (it is yours)

        assertThat(registry.find("orders")).containsSame(orders);
        assertThat(registry.find("carts")).isEmpty();
        assertThat(carts.getConfig().getMaxSelectionAttempts()).isEqualTo(5);
        assertThat(registry.getTags()).containsEntry("app", "shop");
        assertThat(registry.loadBalancer("orders", InstanceSource.of())).isSameAs(orders);
        assertThat(orders.getInstances()).hasSize(2);
        assertThat(carts.getInstances()).as("closed: its breakers are gone").isEmpty();
        orders.close();
    }
}
