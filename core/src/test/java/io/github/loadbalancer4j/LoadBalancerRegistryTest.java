package io.github.loadbalancer4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.ConfigurationNotFoundException;
import io.github.resilience4j.core.registry.EntryAddedEvent;
import io.github.resilience4j.core.registry.EntryRemovedEvent;
import io.github.resilience4j.core.registry.EntryReplacedEvent;
import io.github.resilience4j.core.registry.RegistryEvent;
import io.github.resilience4j.core.registry.RegistryEventConsumer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class LoadBalancerRegistryTest {

    private final ServiceInstance a = ServiceInstance.of("127.0.0.11", 8080);
    private final ServiceInstance b = ServiceInstance.of("127.0.0.12", 8080);

    @Test
    void loadBalancerIsCreatedOnceAndFoundByName() {
        LoadBalancerRegistry registry = LoadBalancerRegistry.ofDefaults();

        LoadBalancer first = registry.loadBalancer("orders", InstanceSource.of(a, b));
        LoadBalancer second = registry.loadBalancer("orders", InstanceSource.of(b));

        assertThat(second).isSameAs(first);
        assertThat(first.getName()).isEqualTo("orders");
        assertThat(first.getInstances()).extracting(InstanceStatus::instance).containsExactly(a, b);
        assertThat(first.getConfig()).isSameAs(registry.getDefaultConfig());
        assertThat(registry.find("orders")).containsSame(first);
        assertThat(registry.find("carts")).isEmpty();
        assertThat(registry.getAllLoadBalancers()).containsExactly(first);
    }

    @Test
    void createdLoadBalancerSpreadsCallsOverItsSource() {
        LoadBalancerRegistry registry = LoadBalancerRegistry.ofDefaults();
        LoadBalancer orders = registry.loadBalancer("orders", InstanceSource.of(a, b));
        List<ServiceInstance> picked = new ArrayList<>();

        for (int i = 0; i < 4; i++) {
            picked.add(orders.executeSupplier(instance -> instance));
        }

        assertThat(picked).containsOnly(a, b).contains(a, b);
    }

    @Test
    void namedConfigIsUsedForANewLoadBalancer() {
        LoadBalancerConfig sticky = LoadBalancerConfig.custom().maxSelectionAttempts(7).build();
        LoadBalancerRegistry registry = LoadBalancerRegistry.custom().addLoadBalancerConfig("sticky", sticky).build();

        LoadBalancer orders = registry.loadBalancer("orders", InstanceSource.of(a), "sticky");
        LoadBalancer carts = registry.loadBalancer("carts", () -> InstanceSource.of(a), "sticky");

        assertThat(orders.getConfig()).isSameAs(sticky);
        assertThat(carts.getConfig()).isSameAs(sticky);
        assertThat(registry.getConfiguration("sticky")).containsSame(sticky);
    }

    @Test
    void explicitConfigIsUsedForANewLoadBalancer() {
        LoadBalancerConfig config = LoadBalancerConfig.custom().panicThreshold(0.5).build();
        LoadBalancerRegistry registry = LoadBalancerRegistry.ofDefaults();

        LoadBalancer orders = registry.loadBalancer("orders", InstanceSource.of(a), config);

        assertThat(orders.getConfig()).isSameAs(config);
    }

    @Test
    void unknownConfigNameFailsNamingTheKnownConfigsAndRegistersNothing() {
        LoadBalancerRegistry registry = LoadBalancerRegistry.custom()
                .addLoadBalancerConfig("sticky", LoadBalancerConfig.ofDefaults()).build();
        AtomicInteger sourcesCreated = new AtomicInteger();

        assertThatThrownBy(() -> registry.loadBalancer("orders", InstanceSource.of(a), "stiky"))
                .isInstanceOf(ConfigurationNotFoundException.class)
                .hasMessage("configName: 'stiky' (expected: one of the registry's configs [default, sticky])");
        assertThatThrownBy(() -> registry.loadBalancer("orders", () -> {
            sourcesCreated.incrementAndGet();
            return InstanceSource.of(a);
        }, "stiky")).isInstanceOf(ConfigurationNotFoundException.class);

        assertThat(registry.find("orders")).isEmpty();
        assertThat(sourcesCreated).hasValue(0);
    }

    @Test
    void mapOfConfigsTakesItsDefaultEntryAsTheDefaultConfig() {
        LoadBalancerConfig myDefault = LoadBalancerConfig.custom().maxSelectionAttempts(2).build();
        LoadBalancerConfig other = LoadBalancerConfig.custom().maxSelectionAttempts(5).build();

        LoadBalancerRegistry withDefault = LoadBalancerRegistry.of(Map.of("default", myDefault, "other", other));
        LoadBalancerRegistry withoutDefault = LoadBalancerRegistry.of(Map.of("other", other), Map.of("app", "shop"));

        assertThat(withDefault.getDefaultConfig()).isSameAs(myDefault);
        assertThat(withDefault.getConfiguration("other")).containsSame(other);
        assertThat(withDefault.loadBalancer("orders", InstanceSource.of(a)).getConfig()).isSameAs(myDefault);
        assertThat(withoutDefault.getDefaultConfig().getMaxSelectionAttempts())
                .isEqualTo(LoadBalancerConfig.DEFAULT_MAX_SELECTION_ATTEMPTS);
        assertThat(withoutDefault.getConfiguration("other")).containsSame(other);
        assertThat(withoutDefault.getTags()).containsExactly(Map.entry("app", "shop"));
    }

    @Test
    void registryEventsTellOfAddedRemovedAndReplacedLoadBalancers() {
        RecordingConsumer fromBuilder = new RecordingConsumer();
        LoadBalancerRegistry registry = LoadBalancerRegistry.of(LoadBalancerConfig.ofDefaults(), fromBuilder);
        List<RegistryEvent> published = new CopyOnWriteArrayList<>();
        registry.getEventPublisher().onEvent(published::add);

        LoadBalancer first = registry.loadBalancer("orders", InstanceSource.of(a));
        registry.loadBalancer("orders", InstanceSource.of(a));
        LoadBalancer second = LoadBalancer.of("orders", InstanceSource.of(b));
        registry.replace("orders", second);
        registry.remove("orders");
        registry.remove("orders");

        assertThat(published).extracting(RegistryEvent::getEventType).containsExactly(
                RegistryEvent.Type.ADDED, RegistryEvent.Type.REPLACED, RegistryEvent.Type.REMOVED);
        assertThat(fromBuilder.added).containsExactly(first);
        assertThat(fromBuilder.replaced).containsExactly(List.of(first, second));
        assertThat(fromBuilder.removed).containsExactly(second);
    }

    @Test
    void removeClosesTheLoadBalancerAndTakesItsBreakersOutOfTheirRegistry() {
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
        LoadBalancerRegistry registry = LoadBalancerRegistry.of(
                LoadBalancerConfig.custom().circuitBreakerRegistry(breakers).build());
        MutableInstanceSource source = InstanceSource.mutable(a, b);
        LoadBalancer orders = registry.loadBalancer("orders", source);
        Set<String> breakersBefore = names(breakers);

        var removed = registry.remove("orders");

        assertThat(breakersBefore).containsExactlyInAnyOrder("orders#127.0.0.11:8080", "orders#127.0.0.12:8080");
        assertThat(removed).containsSame(orders);
        assertThat(registry.find("orders")).isEmpty();
        assertThat(registry.getAllLoadBalancers()).isEmpty();
        assertThat(breakers.getAllCircuitBreakers()).isEmpty();
        assertThatThrownBy(() -> orders.executeSupplier(instance -> instance))
                .isInstanceOf(NoAvailableInstanceException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void removeLeavesTheSourceToItsOwner() {
        LoadBalancerRegistry registry = LoadBalancerRegistry.ofDefaults();
        MutableInstanceSource source = InstanceSource.mutable(a);
        registry.loadBalancer("orders", source);
        registry.remove("orders");

        LoadBalancer again = registry.loadBalancer("orders", source);
        source.update(a, b);

        assertThat(again.getInstances()).extracting(InstanceStatus::instance).containsExactly(a, b);
    }

    @Test
    void replaceClosesTheReplacedLoadBalancer() {
        LoadBalancerRegistry registry = LoadBalancerRegistry.ofDefaults();
        LoadBalancer old = registry.loadBalancer("orders", InstanceSource.of(a));
        LoadBalancer replacement = LoadBalancer.of("orders", InstanceSource.of(b));

        var replaced = registry.replace("orders", replacement);
        var sameAgain = registry.replace("orders", replacement);

        assertThat(replaced).containsSame(old);
        assertThat(sameAgain).containsSame(replacement);
        assertThat(registry.find("orders")).containsSame(replacement);
        assertThat(replacement.<ServiceInstance>executeSupplier(instance -> instance)).isEqualTo(b);
        assertThatThrownBy(() -> old.executeSupplier(instance -> instance))
                .isInstanceOf(NoAvailableInstanceException.class);
    }

    @Test
    void replaceRefusesALoadBalancerOfAnotherName() {
        LoadBalancerRegistry registry = LoadBalancerRegistry.ofDefaults();
        LoadBalancer orders = registry.loadBalancer("orders", InstanceSource.of(a));
        LoadBalancer payments = LoadBalancer.of("payments", InstanceSource.of(b));

        assertThatThrownBy(() -> registry.replace("orders", payments))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("newLoadBalancer: 'payments' (expected: a load balancer named 'orders')");

        assertThat(registry.find("orders")).containsSame(orders);
        assertThat(orders.<ServiceInstance>executeSupplier(instance -> instance)).isEqualTo(a);
    }

    @Test
    void sourceSupplierIsCalledOnlyWhenALoadBalancerIsCreated() {
        LoadBalancerRegistry registry = LoadBalancerRegistry.ofDefaults();
        AtomicInteger created = new AtomicInteger();
        Supplier<InstanceSource> supplier = () -> {
            created.incrementAndGet();
            return InstanceSource.of(a);
        };

        LoadBalancer first = registry.loadBalancer("orders", supplier);
        LoadBalancer second = registry.loadBalancer("orders", supplier);

        assertThat(second).isSameAs(first);
        assertThat(created).hasValue(1);
    }

    @Test
    void concurrentCallsForOneNameCreateOneLoadBalancer() throws Exception {
        LoadBalancerRegistry registry = LoadBalancerRegistry.ofDefaults();
        AtomicInteger added = new AtomicInteger();
        registry.getEventPublisher().onEntryAdded(event -> added.incrementAndGet());
        AtomicInteger sourcesCreated = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<LoadBalancer>> results = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return registry.loadBalancer("orders", () -> {
                        sourcesCreated.incrementAndGet();
                        return InstanceSource.of(a);
                    });
                }));
            }

            start.countDown();
            List<LoadBalancer> got = new ArrayList<>();
            for (Future<LoadBalancer> f : results) {
                got.add(f.get(10, TimeUnit.SECONDS));
            }

            assertThat(got).hasSize(4).allSatisfy(lb -> assertThat(lb).isSameAs(got.get(0)));
            assertThat(sourcesCreated).hasValue(1);
            assertThat(added).hasValue(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badLoadBalancerArgumentsFailAtTheBoundaryAndRegisterNothing() {
        LoadBalancerRegistry registry = LoadBalancerRegistry.ofDefaults();
        InstanceSource source = InstanceSource.of(a);

        assertThatThrownBy(() -> registry.loadBalancer(null, source)).isInstanceOf(NullPointerException.class).hasMessage("name");
        assertThatThrownBy(() -> registry.loadBalancer(" ", source))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("name: ' ' (expected: a non-blank name)");
        assertThatThrownBy(() -> registry.loadBalancer("orders", (InstanceSource) null))
                .isInstanceOf(NullPointerException.class).hasMessage("source");
        assertThatThrownBy(() -> registry.loadBalancer("orders", source, (String) null))
                .isInstanceOf(NullPointerException.class).hasMessage("configName");
        assertThatThrownBy(() -> registry.loadBalancer("orders", source, (LoadBalancerConfig) null))
                .isInstanceOf(NullPointerException.class).hasMessage("config");
        assertThatThrownBy(() -> registry.loadBalancer("orders", () -> null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("sourceSupplier returned null for load balancer 'orders' (expected: an InstanceSource)");
        assertThatThrownBy(() -> registry.find(null)).isInstanceOf(NullPointerException.class).hasMessage("name");
        assertThatThrownBy(() -> registry.remove(null)).isInstanceOf(NullPointerException.class).hasMessage("name");

        assertThat(registry.getAllLoadBalancers()).isEmpty();
    }

    @Test
    void badConfigArgumentsFailAtTheBoundary() {
        LoadBalancerRegistry registry = LoadBalancerRegistry.ofDefaults();

        assertThatThrownBy(() -> registry.addConfiguration("default", LoadBalancerConfig.ofDefaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("configName: 'default' (expected: another name");
        assertThatThrownBy(() -> registry.addConfiguration("sticky", null))
                .isInstanceOf(NullPointerException.class).hasMessage("configuration");
        assertThatThrownBy(() -> registry.removeConfiguration("default")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LoadBalancerRegistry.custom().addLoadBalancerConfig("", LoadBalancerConfig.ofDefaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("configName: '' (expected: a non-blank name)");
        assertThatThrownBy(() -> LoadBalancerRegistry.custom().withTags(Collections.singletonMap("app", null)))
                .isInstanceOf(NullPointerException.class).hasMessage("tags: the value of 'app'");

        assertThat(registry.getConfiguration("sticky")).isEmpty();
        assertThat(registry.getConfiguration("default")).isPresent();
    }

    private static Set<String> names(CircuitBreakerRegistry registry) {
        Set<String> names = new HashSet<>();
        for (CircuitBreaker cb : registry.getAllCircuitBreakers()) {
            names.add(cb.getName());
        }
        return names;
    }

    private static final class RecordingConsumer implements RegistryEventConsumer<LoadBalancer> {
        final List<LoadBalancer> added = new CopyOnWriteArrayList<>();
        final List<LoadBalancer> removed = new CopyOnWriteArrayList<>();
        final List<List<LoadBalancer>> replaced = new CopyOnWriteArrayList<>();

        @Override
        public void onEntryAddedEvent(EntryAddedEvent<LoadBalancer> event) {
            added.add(event.getAddedEntry());
        }

        @Override
        public void onEntryRemovedEvent(EntryRemovedEvent<LoadBalancer> event) {
            removed.add(event.getRemovedEntry());
        }

        @Override
        public void onEntryReplacedEvent(EntryReplacedEvent<LoadBalancer> event) {
            replaced.add(List.of(event.getOldEntry(), event.getNewEntry()));
        }
    }
}
