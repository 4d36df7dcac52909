package io.github.loadbalancer4j.spring.internal;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.spring.DiscoveryClientInstanceSource;
import io.github.loadbalancer4j.spring.LoadBalancer4jProperties;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;

/**
 * Discovery sources over the application's Spring Cloud DiscoveryClient: the blocking one when there
 * is one (Spring Cloud's composite of every client), else the reactive one. Loaded only when Spring
 * Cloud Commons is on the class path.
 *
 * <p>Public for the loadbalancer4j modules; not API.
 */
public final class SpringCloudDiscoverySources implements ServiceFactory.DiscoverySources {

    private final ObjectProvider<DiscoveryClient> blocking;
    private final ObjectProvider<ReactiveDiscoveryClient> reactive;
    private final LoadBalancer4jProperties.Discovery settings;

    /**
     * @param blocking the blocking client, if any
     * @param reactive the reactive client, if any
     * @param settings refresh interval and metadata keys
     */
    public SpringCloudDiscoverySources(ObjectProvider<DiscoveryClient> blocking, ObjectProvider<ReactiveDiscoveryClient> reactive,
            LoadBalancer4jProperties.Discovery settings) {
        this.blocking = requireNonNull(blocking, "blocking");
        this.reactive = requireNonNull(reactive, "reactive");
        this.settings = requireNonNull(settings, "settings");
    }

    @Override
    public @Nullable InstanceSource create(String serviceId) {
        DiscoveryClientInstanceSource.Builder builder;
        DiscoveryClient client = blocking.getIfAvailable();
        if (client != null) {
            builder = DiscoveryClientInstanceSource.builder(client, serviceId);
        } else {
            ReactiveDiscoveryClient reactiveClient = reactive.getIfAvailable();
            if (reactiveClient == null) {
                return null;
            }
            builder = DiscoveryClientInstanceSource.builder(reactiveClient, serviceId);
        }
        return builder.refreshInterval(settings.getRefreshInterval())
                .weightKeys(settings.getWeightKeys())
                .zoneKeys(settings.getZoneKeys())
                .build();
    }

    @Override
    public @Nullable Supplier<? extends Collection<String>> services() {
        DiscoveryClient client = blocking.getIfAvailable();
        if (client != null) {
            return client::getServices;
        }
        ReactiveDiscoveryClient reactiveClient = reactive.getIfAvailable();
        if (reactiveClient == null) {
            return null;
        }
        return () -> {
            List<String> services = reactiveClient.getServices().collectList()
                    .block(DiscoveryClientInstanceSource.DEFAULT_TIMEOUT);
            return services == null ? List.of() : services;
        };
    }
}
