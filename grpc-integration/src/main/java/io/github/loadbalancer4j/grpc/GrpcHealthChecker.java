package io.github.loadbalancer4j.grpc;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.health.HealthChecker;
import io.github.loadbalancer4j.internal.Durations;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * gRPC's standard health checking protocol as a loadbalancer4j {@link HealthChecker}: a check is one
 * {@code grpc.health.v1.Health/Check} call to the instance, healthy when it answers {@code SERVING}
 * within the timeout. {@code NOT_SERVING}, {@code UNKNOWN}, {@code SERVICE_UNKNOWN}, an error or no
 * answer in time are unhealthy; a server without the health service ({@code UNIMPLEMENTED}) counts as
 * healthy, as gRPC's own client-side health checking treats it, unless set otherwise.
 * <pre>{@code
 * GrpcHealthChecker checker = GrpcHealthChecker.builder().service("orders.Orders").build();
 * LoadBalancer orders = LoadBalancer.of("orders", source, LoadBalancerConfig.custom()
 *         .healthCheck(HealthCheckConfig.custom(checker).interval(Duration.ofSeconds(5)).build())
 *         .build());
 * }</pre>
 *
 * <p>Each instance is checked over a channel of its own (plaintext by default: give a channel factory
 * for TLS), made at its first check and kept for the next ones; a channel unused for
 * {@link Builder#idleTimeout(Duration) the idle timeout} (an instance that is no longer checked) is
 * shut down. The check never blocks: the load balancer's health thread gets a stage that completes
 * when the answer comes. {@link #close()} shuts every channel down.
 */
public final class GrpcHealthChecker implements HealthChecker, AutoCloseable {

    /** How long a channel may go unused before it is shut down, unless set: 1 minute. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(1);

    private final String service;
    private final Function<ServiceInstance, ManagedChannel> channelFactory;
    private final boolean unimplementedIsHealthy;
    private final long idleNanos;
    private final LongSupplier ticker;
    private final Map<String, Checked> channels = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private GrpcHealthChecker(Builder builder) {
        this.service = builder.service;
        this.channelFactory = builder.channelFactory;
        this.unimplementedIsHealthy = builder.unimplementedIsHealthy;
        this.idleNanos = builder.idleTimeout.toNanos();
        this.ticker = builder.ticker;
    }

    /** @return a checker of the server as a whole (service {@code ""}) over plaintext channels */
    public static GrpcHealthChecker create() {
        return builder().build();
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Asks the instance's health service about the configured service.
     *
     * @param instance the instance; its host and port are called
     * @param timeout the call's deadline
     * @return a stage that completes with true for {@code SERVING}, false otherwise (never exceptionally)
     * @throws IllegalStateException if the checker was closed
     */
    @Override
    public CompletionStage<Boolean> check(ServiceInstance instance, Duration timeout) {
        requireNonNull(instance, "instance");
        requireNonNull(timeout, "timeout");
        if (closed) {
            throw new IllegalStateException("the GrpcHealthChecker was closed");
        }
        long now = ticker.getAsLong();
        evictIdle(now);
        Checked checked = channels.computeIfAbsent(instance.host() + ':' + instance.port(),
                key -> new Checked(requireNonNull(channelFactory.apply(instance), "the channel factory returned null")));
        checked.lastUsed = now;
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        ClientCall<HealthCheckRequest, HealthCheckResponse> call = checked.channel.newCall(HealthGrpc.getCheckMethod(),
                CallOptions.DEFAULT.withDeadlineAfter(Math.max(1, timeout.toNanos()), TimeUnit.NANOSECONDS));
        call.start(new ClientCall.Listener<>() {
            private boolean serving;

            @Override
            public void onMessage(HealthCheckResponse response) {
                serving = response.getStatus() == HealthCheckResponse.ServingStatus.SERVING;
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                result.complete(status.isOk() ? serving : status.getCode() == Status.Code.UNIMPLEMENTED && unimplementedIsHealthy);
            }
        }, new Metadata());
        call.request(1);
        call.sendMessage(HealthCheckRequest.newBuilder().setService(service).build());
        call.halfClose();
        return result;
    }

    private void evictIdle(long now) {
        for (Map.Entry<String, Checked> e : channels.entrySet()) {
            if (now - e.getValue().lastUsed > idleNanos && channels.remove(e.getKey(), e.getValue())) {
                e.getValue().channel.shutdown();
            }
        }
    }

    /** @return how many channels are open (one per instance checked within the idle timeout) */
    public int openChannels() {
        return channels.size();
    }

    /** Shuts every channel down; checks made afterwards fail with {@link IllegalStateException}. */
    @Override
    public void close() {
        closed = true;
        for (Checked checked : channels.values()) {
            checked.channel.shutdownNow();
        }
        channels.clear();
    }

    @Override
    public String toString() {
        return "GrpcHealthChecker{service='" + service + "'}";
    }

    /** One instance's channel and when it was last used. */
    private static final class Checked {
        final ManagedChannel channel;
        volatile long lastUsed;

        Checked(ManagedChannel channel) {
            this.channel = channel;
        }
    }

    /** Builds a {@link GrpcHealthChecker}; every setter checks its argument at once. */
    public static final class Builder {
        private String service = "";
        private Function<ServiceInstance, ManagedChannel> channelFactory = instance -> Grpc.newChannelBuilderForAddress(
                instance.host(), instance.port(), InsecureChannelCredentials.create()).build();
        private boolean unimplementedIsHealthy = true;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private LongSupplier ticker = System::nanoTime;

        private Builder() {
        }

        /**
         * Sets the service to ask about.
         *
         * @param service the service's full name ({@code package.Service}); {@code ""}, the default,
         *     asks about the server as a whole
         * @return this builder
         */
        public Builder service(String service) {
            this.service = requireNonNull(service, "service");
            return this;
        }

        /**
         * Sets how the channel to an instance is made (credentials, transport, interceptors).
         *
         * @param channelFactory makes a channel to the instance's host and port; by default plaintext
         *     with the transport on the class path
         * @return this builder
         */
        public Builder channelFactory(Function<ServiceInstance, ManagedChannel> channelFactory) {
            this.channelFactory = requireNonNull(channelFactory, "channelFactory");
            return this;
        }

        /**
         * Sets whether a server without the health service is healthy.
         *
         * @param unimplementedIsHealthy true (the default) to count {@code UNIMPLEMENTED} as healthy
         * @return this builder
         */
        public Builder unimplementedIsHealthy(boolean unimplementedIsHealthy) {
            this.unimplementedIsHealthy = unimplementedIsHealthy;
            return this;
        }

        /**
         * Sets how long an instance's channel may go unused before it is shut down.
         *
         * @param idleTimeout positive; longer than the health checks' interval
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = Durations.requirePositive("idleTimeout", idleTimeout);
            return this;
        }

        /**
         * Sets the nanosecond ticker the idle timeout is measured with (for tests).
         *
         * @param ticker like {@link System#nanoTime()}
         * @return this builder
         */
        public Builder ticker(LongSupplier ticker) {
            this.ticker = requireNonNull(ticker, "ticker");
            return this;
        }

        /** @return the checker */
        public GrpcHealthChecker build() {
            return new GrpcHealthChecker(this);
        }
    }
}
