package io.github.loadbalancer4j.okhttp;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.health.HealthChecker;
import io.github.loadbalancer4j.internal.Durations;
import io.github.loadbalancer4j.okhttp.internal.PinnedDns;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * Probes an instance over HTTP: a {@code HEAD} (or {@code GET}) of a path, healthy when the answer
 * is 2xx within the timeout. Redirects are not followed and the request is sent once.
 *
 * <pre>{@code
 * LoadBalancerConfig config = LoadBalancerConfig.custom()
 *         .healthCheck(HealthCheckConfig.custom(OkHttpHealthChecker.head(client, "/health")).build())
 *         .build();
 * }</pre>
 *
 * <p>http instances are probed at {@code http://<instance host>:<port><path>}. https instances are
 * probed at the instance's address too; with {@link Builder#logicalHost(String)} the URL, SNI and
 * certificate check name the service (as {@link LoadBalancingInterceptor} does for calls), otherwise
 * the certificate must be valid for the instance's host.
 *
 * <p>Probes run on the client's dispatcher, never on the caller's thread. A
 * {@link LoadBalancingInterceptor} on the given client is left out of the probes' client, so a probe
 * always reaches the instance it is about. Thread-safe.
 */
public final class OkHttpHealthChecker implements HealthChecker {

    /** The path probed when none is set. */
    public static final String DEFAULT_PATH = "/health";

    private final OkHttpClient client;
    private final String path;
    private final String method;
    private final @Nullable String logicalHost;

    private OkHttpHealthChecker(Builder builder) {
        OkHttpClient.Builder b = builder.client.newBuilder().followRedirects(false).followSslRedirects(false)
                .retryOnConnectionFailure(false);
        b.interceptors().removeIf(i -> i instanceof LoadBalancingInterceptor);
        this.client = b.build();
        this.path = builder.path;
        this.method = builder.method;
        this.logicalHost = builder.logicalHost;
    }

    /**
     * Returns a checker sending {@code HEAD} to a path.
     *
     * @param client the client to probe with (its pool and dispatcher are shared)
     * @param path e.g. {@code /health}
     * @return the checker
     * @throws IllegalArgumentException if the path does not start with {@code /}
     */
    public static OkHttpHealthChecker head(OkHttpClient client, String path) {
        return builder(client).path(path).head().build();
    }

    /**
     * Returns a checker sending {@code GET} to a path (for servers that do not answer {@code HEAD});
     * the body is discarded.
     *
     * @param client the client to probe with (its pool and dispatcher are shared)
     * @param path e.g. {@code /health}
     * @return the checker
     * @throws IllegalArgumentException if the path does not start with {@code /}
     */
    public static OkHttpHealthChecker get(OkHttpClient client, String path) {
        return builder(client).path(path).get().build();
    }

    /**
     * Starts a builder.
     *
     * @param client the client to probe with (its pool and dispatcher are shared)
     * @return a builder: {@code HEAD} of {@value #DEFAULT_PATH} unless set otherwise
     */
    public static Builder builder(OkHttpClient client) {
        return new Builder(requireNonNull(client, "client"));
    }

    /**
     * Probes one instance.
     *
     * @param instance the instance
     * @param timeout the whole probe's budget (connect, TLS, request, headers), {@code > 0}
     * @return a future completing with true when the instance answered 2xx in time, false when it
     *     answered otherwise, failed or timed out; it never completes exceptionally. Cancelling it
     *     cancels the probe.
     * @throws IllegalArgumentException if the timeout is not positive
     */
    @Override
    public CompletableFuture<Boolean> check(ServiceInstance instance, Duration timeout) {
        requireNonNull(instance, "instance");
        Durations.requirePositive("timeout", timeout);
        OkHttpClient probeClient = client;
        HttpUrl.Builder url = new HttpUrl.Builder().scheme(instance.secure() ? "https" : "http").port(instance.port());
        String name = logicalHost;
        if (instance.secure() && name != null) {
            url.host(name);
            probeClient = client.newBuilder().dns(new PinnedDns(name, instance.host(), client.dns())).build();
        } else {
            url.host(instance.host());
        }
        Request request = new Request.Builder().url(url.build().resolve(path)).method(method, null).build();
        Call call = probeClient.newCall(request);
        call.timeout().timeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        result.whenComplete((healthy, error) -> {
            if (result.isCancelled()) {
                call.cancel();
            }
        });
        call.enqueue(new Callback() {
            @Override
            public void onResponse(Call c, Response response) {
                try (response) {
                    result.complete(response.isSuccessful());
                }
            }

            @Override
            public void onFailure(Call c, IOException e) {
                result.complete(false);
            }
        });
        return result;
    }

    @Override
    public String toString() {
        return "OkHttpHealthChecker{" + method + ' ' + path + (logicalHost != null ? ", https as " + logicalHost : "") + '}';
    }

    /** Builds an {@link OkHttpHealthChecker}; every setter checks its argument at once. */
    public static final class Builder {

        private final OkHttpClient client;
        private String path = DEFAULT_PATH;
        private String method = "HEAD";
        private @Nullable String logicalHost;

        private Builder(OkHttpClient client) {
            this.client = client;
        }

        /**
         * @param path the path (and query) to probe, starting with {@code /}
         * @return this builder
         * @throws IllegalArgumentException if the path does not start with {@code /}
         */
        public Builder path(String path) {
            requireNonNull(path, "path");
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("path: '" + path + "' (expected: a path starting with '/')");
            }
            this.path = path;
            return this;
        }

        /** @return this builder, probing with {@code HEAD} (the default) */
        public Builder head() {
            this.method = "HEAD";
            return this;
        }

        /** @return this builder, probing with {@code GET} (the body is discarded) */
        public Builder get() {
            this.method = "GET";
            return this;
        }

        /**
         * Probes https instances under the service's name: the URL, SNI and certificate check use
         * {@code host} while the connection goes to the instance's address.
         *
         * @param host the service's host name, e.g. {@code orders.example.com}
         * @return this builder
         * @throws IllegalArgumentException if {@code host} is not a valid URL host
         */
        public Builder logicalHost(String host) {
            requireNonNull(host, "host");
            HttpUrl url = host.isEmpty() || host.indexOf('/') >= 0 || host.indexOf(':') >= 0
                    ? null : HttpUrl.parse("https://" + host + "/");
            if (url == null) {
                throw new IllegalArgumentException(
                        "host: '" + host + "' (expected: a host name without scheme, port or path)");
            }
            this.logicalHost = url.host();
            return this;
        }

        /** @return the checker */
        public OkHttpHealthChecker build() {
            return new OkHttpHealthChecker(this);
        }
    }
}
