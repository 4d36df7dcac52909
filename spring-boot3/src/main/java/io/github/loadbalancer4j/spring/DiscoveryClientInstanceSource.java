package io.github.loadbalancer4j.spring;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.AbstractInstanceSource;
import io.github.loadbalancer4j.internal.DaemonThreads;
import io.github.loadbalancer4j.internal.Durations;
import io.github.loadbalancer4j.spring.internal.ServiceInstanceMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;

/**
 * The instances of one service from any Spring Cloud {@link DiscoveryClient} (Eureka, Consul, Nacos,
 * Kubernetes, Zookeeper, the simple one of the properties) or {@link ReactiveDiscoveryClient}:
 * <pre>{@code
 * InstanceSource source = DiscoveryClientInstanceSource.builder(discoveryClient, "orders").build();
 * LoadBalancer orders = LoadBalancer.of("orders", source);
 * }</pre>
 *
 * <p>The list is read when the source is built, then every {@link Builder#refreshInterval refresh
 * interval} and whenever {@link #refresh()} is called (the auto-configuration calls it on Spring Cloud's
 * {@code HeartbeatEvent}, which Eureka's client publishes when its cache changes), on the source's own
 * daemon thread, so a slow discovery server never holds a caller up. Reading rules:
 * <ul>
 *   <li>a DiscoveryClient that throws (or, reactive, fails or does not answer within the timeout)
 *       keeps the last good list and is reported as a {@link DiscoveryClientException};
 *   <li>an empty list is applied: the service has no instances;
 *   <li>weight and zone come from the instance's metadata, the first of the
 *       {@link Builder#weightKeys weight keys} and {@link Builder#zoneKeys zone keys} present (by default
 *       {@code weight}, then Nacos' {@code nacos.weight}; {@code zone}, as Eureka's
 *       {@code metadata-map.zone} and Consul's zone metadata write it, then Nacos' {@code nacos.cluster});
 *       a decimal weight is rounded; an instance that cannot be read is reported as an
 *       {@link UnreadableServiceInstanceException} while every other one is applied.
 * </ul>
 */
public final class DiscoveryClientInstanceSource extends AbstractInstanceSource {

    /** The default time between two reads: Eureka's client refreshes its own cache every 30 s. */
    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(30);

    /** The default weight keys: Spring Cloud LoadBalancer's {@code weight}, then Nacos' {@code nacos.weight}. */
    public static final List<String> DEFAULT_WEIGHT_KEYS = List.of("weight", "nacos.weight");

    /** The default zone keys: {@code zone} (Eureka, Consul, Spring Cloud LoadBalancer), then Nacos' {@code nacos.cluster}. */
    public static final List<String> DEFAULT_ZONE_KEYS = List.of("zone", "nacos.cluster");

    /** The default wait for a reactive DiscoveryClient's answer. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private static final Duration MIN_REFRESH_INTERVAL = Duration.ofMillis(10);

    private final String serviceId;
    private final String description;
    private final Function<Duration, List<org.springframework.cloud.client.ServiceInstance>> read;
    private final Duration timeout;
    private final ServiceInstanceMapper mapper;
    private final Duration refreshInterval;
    private final ScheduledExecutorService scheduler;
    private final @Nullable DaemonThreads ownThreads;
    private final AtomicBoolean refreshPending = new AtomicBoolean();
    private final Object readLock = new Object();
    // Guarded by readLock.
    private Map<String, UnreadableServiceInstanceException> unreadable = Map.of();
    private volatile @Nullable ScheduledFuture<?> next;
    private volatile boolean closed;

    private DiscoveryClientInstanceSource(Builder b) {
        super(List.of());
        this.serviceId = b.serviceId;
        this.description = b.description;
        this.read = b.read;
        this.timeout = b.timeout;
        this.mapper = new ServiceInstanceMapper(b.serviceId, b.weightKeys, b.zoneKeys);
        this.refreshInterval = b.refreshInterval;
        if (b.scheduler != null) {
            this.scheduler = b.scheduler;
            this.ownThreads = null;
        } else {
            this.ownThreads = DaemonThreads.named("loadbalancer4j-discovery-" + b.serviceId);
            this.scheduler = Executors.newSingleThreadScheduledExecutor(ownThreads);
        }
    }

    /**
     * Starts a builder over a blocking DiscoveryClient.
     *
     * @param discoveryClient the client, usually the application's (composite) bean
     * @param serviceId the service id the client knows the service by
     * @return a builder
     * @throws IllegalArgumentException if the service id is blank
     */
    public static Builder builder(DiscoveryClient discoveryClient, String serviceId) {
        requireNonNull(discoveryClient, "discoveryClient");
        return new Builder(serviceId, discoveryClient.description(), timeout -> discoveryClient.getInstances(serviceId));
    }

    /**
     * Starts a builder over a reactive DiscoveryClient; each read waits for the whole answer on the
     * source's thread, at most {@link Builder#timeout}.
     *
     * @param discoveryClient the client
     * @param serviceId the service id the client knows the service by
     * @return a builder
     * @throws IllegalArgumentException if the service id is blank
     */
    public static Builder builder(ReactiveDiscoveryClient discoveryClient, String serviceId) {
        requireNonNull(discoveryClient, "discoveryClient");
        return new Builder(serviceId, discoveryClient.description(),
                timeout -> requireNonNull(discoveryClient.getInstances(serviceId).collectList().block(timeout),
                        "the DiscoveryClient completed without a list"));
    }

    /** @return the service id */
    public String serviceId() {
        return serviceId;
    }

    /**
     * Asks for a read of the DiscoveryClient soon, on the source's thread; returns at once. Several
     * requests before that read are served by it.
     */
    public void refresh() {
        if (closed || !refreshPending.compareAndSet(false, true)) {
            return;
        }
        try {
            scheduler.execute(() -> {
                refreshPending.set(false);
                readOnce();
            });
        } catch (RejectedExecutionException e) {
            refreshPending.set(false); // closing
        }
    }

    /**
     * The instances of the last answer that could not be read as they are, one
     * {@link UnreadableServiceInstanceException} each: a listener that subscribes is told of them.
     *
     * @return the problems that hold now
     */
    @Override
    protected List<UnreadableServiceInstanceException> standingFailures() {
        synchronized (readLock) {
            return List.copyOf(unreadable.values());
        }
    }

    private void start() {
        readOnce();
        scheduleNext();
    }

    private void scheduleNext() {
        if (closed) {
            return;
        }
        try {
            next = scheduler.schedule(() -> {
                readOnce();
                scheduleNext();
            }, refreshInterval.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // closing: nothing more to read
        }
    }

    private void readOnce() {
        if (closed) {
            return;
        }
        synchronized (readLock) {
            List<org.springframework.cloud.client.ServiceInstance> listed;
            try {
                listed = requireNonNull(read.apply(timeout), "the DiscoveryClient returned null");
            } catch (RuntimeException e) {
                publishFailure(new DiscoveryClientException(serviceId, "DiscoveryClient '" + description
                        + "' failed to list the instances of '" + serviceId + "': " + e, e));
                return;
            }
            ServiceInstanceMapper.Mapped mapped = mapper.map(listed);
            List<UnreadableServiceInstanceException> newlyUnreadable = new ArrayList<>();
            mapped.unreadable().forEach((key, failure) -> {
                if (!unreadable.containsKey(key)) {
                    newlyUnreadable.add(failure);
                }
            });
            unreadable = new LinkedHashMap<>(mapped.unreadable());
            publish(mapped.instances());
            newlyUnreadable.forEach(this::publishFailure);
        }
    }

    /**
     * Stops reading: cancels the next read and, when the source made its own thread, ends it and
     * returns once it is gone (a read under way finishes first, bounded by 5 s). A scheduler given to
     * the builder is left running. The last list stays readable. Closing again does nothing.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ScheduledFuture<?> pending = next;
        if (pending != null) {
            pending.cancel(false);
        }
        if (ownThreads != null) {
            ownThreads.shutdownAndJoin(scheduler, true, Duration.ofSeconds(5));
        }
        super.close();
    }

    @Override
    public String toString() {
        return "DiscoveryClientInstanceSource{" + serviceId + " from " + description + ", every " + refreshInterval + '}';
    }

    /** Builds a {@link DiscoveryClientInstanceSource}; every setter checks its argument at once. */
    public static final class Builder {
        private final String serviceId;
        private final String description;
        private final Function<Duration, List<org.springframework.cloud.client.ServiceInstance>> read;
        private Duration refreshInterval = DEFAULT_REFRESH_INTERVAL;
        private Duration timeout = DEFAULT_TIMEOUT;
        private List<String> weightKeys = DEFAULT_WEIGHT_KEYS;
        private List<String> zoneKeys = DEFAULT_ZONE_KEYS;
        private @Nullable ScheduledExecutorService scheduler;

        private Builder(String serviceId, @Nullable String description,
                Function<Duration, List<org.springframework.cloud.client.ServiceInstance>> read) {
            requireNonNull(serviceId, "serviceId");
            if (serviceId.isBlank()) {
                throw new IllegalArgumentException("serviceId: '" + serviceId + "' (expected: a non-blank service id)");
            }
            this.serviceId = serviceId;
            this.description = description == null ? "DiscoveryClient" : description;
            this.read = read;
        }

        /**
         * Sets the time between two reads.
         *
         * @param interval at least 10 ms; default {@link #DEFAULT_REFRESH_INTERVAL} (30 s)
         * @return this builder
         * @throws IllegalArgumentException if shorter than 10 ms
         */
        public Builder refreshInterval(Duration interval) {
            this.refreshInterval = Durations.requireAtLeast("refreshInterval", interval, MIN_REFRESH_INTERVAL, ">= 10 ms");
            return this;
        }

        /**
         * Sets how long a read of a reactive DiscoveryClient may take (a blocking one is not timed).
         *
         * @param timeout {@code > 0}; default {@link #DEFAULT_TIMEOUT} (10 s)
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Durations.requirePositive("timeout", timeout);
            return this;
        }

        /**
         * Sets the metadata keys read for an instance's weight; the first present wins.
         *
         * @param keys the keys, possibly none (every instance gets the default weight)
         * @return this builder
         */
        public Builder weightKeys(List<String> keys) {
            this.weightKeys = checkKeys("weightKeys", keys);
            return this;
        }

        /**
         * Sets the metadata keys read for an instance's zone; the first present wins.
         *
         * @param keys the keys, possibly none (no instance has a zone)
         * @return this builder
         */
        public Builder zoneKeys(List<String> keys) {
            this.zoneKeys = checkKeys("zoneKeys", keys);
            return this;
        }

        /**
         * Reads on the caller's scheduler instead of the source's own thread (the source then does not
         * shut it down). The source schedules one-shot tasks only.
         *
         * @param scheduler the scheduler
         * @return this builder
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * Builds the source and reads the DiscoveryClient once, on the calling thread, so that the
         * source starts with the service's instances (or with the failure reported).
         *
         * @return the source, reading every refresh interval from now on
         */
        public DiscoveryClientInstanceSource build() {
            DiscoveryClientInstanceSource source = new DiscoveryClientInstanceSource(this);
            source.start();
            return source;
        }

        private static List<String> checkKeys(String name, List<String> keys) {
            requireNonNull(keys, name);
            for (int i = 0; i < keys.size(); i++) {
                String key = keys.get(i);
                if (key == null || key.isBlank()) {
                    throw new IllegalArgumentException(name + "[" + i + "]: '" + key + "' (expected: a non-blank key)");
                }
            }
            return List.copyOf(keys);
        }
    }
}
