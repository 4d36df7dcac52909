package io.github.loadbalancer4j.okhttp;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.Lease;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.NoAvailableInstanceException;
import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.okhttp.internal.Backoff;
import io.github.loadbalancer4j.okhttp.internal.FailoverRules;
import io.github.loadbalancer4j.okhttp.internal.PinnedDns;
import io.github.resilience4j.retry.Retry;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * An OkHttp application interceptor that sends requests for a logical host name to an instance a
 * {@link LoadBalancer} picks:
 * <pre>{@code
 * OkHttpClient client = new OkHttpClient.Builder()
 *         .addInterceptor(LoadBalancingInterceptor.builder().route("orders", orders).build())
 *         .build();
 * client.newCall(new Request.Builder().url("http://orders/orders/42").build()).execute();
 * }</pre>
 *
 * <p>A request whose host is not routed passes through untouched (the same {@link Request} object).
 * For a routed request:
 * <ul>
 *   <li><b>http</b>: the URL's host and port become the instance's.
 *   <li><b>https</b>: the URL keeps the logical host, so SNI, certificate verification and the Host
 *       header name the service (a certificate is issued for {@code orders.example.com}, not for
 *       {@code 10.0.1.10}); the port becomes the instance's, and the connection is pinned to the
 *       instance's address with {@link Chain#withDns}. The pinning {@code Dns} values are equal per
 *       instance, so each instance keeps its own pooled connections.
 *   <li><b>outcome</b>: an {@link IOException}, or a response whose status is a failure status
 *       (default: 5xx, recorded as a {@link FailureStatusException}), counts as a failure on the
 *       instance's circuit breaker; the time to the response headers feeds its latency. The response
 *       is returned to the caller as it is. A call the caller canceled records nothing.
 *   <li><b>failover</b>, with a resilience4j {@link Retry}: the Retry decides what is retried (its
 *       exception and result predicates see the {@link IOException} and the {@link Response}), how
 *       often and the wait. Each retry goes to an instance this call has not tried while one is
 *       available. A connect failure moves on for any method; any other failure, or a retried
 *       response, moves on only for idempotent methods (GET, HEAD, OPTIONS, PUT, DELETE, TRACE) whose
 *       body can be sent again. A rejected certificate is never retried. A discarded response is
 *       closed before the next attempt. The wait runs on the calling thread and ends when the call is
 *       canceled or its call timeout fires.
 * </ul>
 *
 * <p>It must be added with {@code addInterceptor}: as a network interceptor it fails every call
 * with an {@link IllegalStateException} saying so (routing must happen before OkHttp picks a
 * connection). When no instance is available the call fails with an {@link IOException} whose cause
 * is the {@link NoAvailableInstanceException}. Thread-safe; build it once per client.
 */
public final class LoadBalancingInterceptor implements Interceptor {

    /** The default failure statuses: 500-599. */
    public static final IntPredicate DEFAULT_FAILURE_STATUS = code -> code >= 500 && code <= 599;

    static final String NETWORK_INTERCEPTOR_MESSAGE = "LoadBalancingInterceptor must be an application interceptor "
            + "(expected: OkHttpClient.Builder.addInterceptor(...), not addNetworkInterceptor(...)): "
            + "a network interceptor runs after OkHttp has chosen the connection";

    private static final long TIMEOUT_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final Map<String, LoadBalancer> routes;
    private final IntPredicate failureStatus;
    private final @Nullable Retry retry;

    private LoadBalancingInterceptor(Builder builder) {
        this.routes = Map.copyOf(builder.routes);
        this.failureStatus = builder.failureStatus;
        this.retry = builder.retry;
    }

    /** @return a builder; add at least one route */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the routed host names and their load balancers */
    public Map<String, LoadBalancer> getRoutes() {
        return routes;
    }

    /**
     * Routes the request if its host is routed, else passes it on untouched.
     *
     * @param chain OkHttp's application-interceptor chain
     * @return the instance's response, as it is
     * @throws IOException the attempt's failure (the last one with failover), or an {@code IOException}
     *     caused by {@link NoAvailableInstanceException}
     * @throws IllegalStateException if the interceptor was added as a network interceptor
     */
    @Override
    public Response intercept(Chain chain) throws IOException {
        if (chain.connection() != null) {
            throw new IllegalStateException(NETWORK_INTERCEPTOR_MESSAGE);
        }
        Request request = chain.request();
        LoadBalancer loadBalancer = routes.get(request.url().host());
        if (loadBalancer == null) {
            return chain.proceed(request);
        }
        Retry r = retry;
        if (r == null) {
            return attempt(chain, request, acquire(loadBalancer, SelectionContext.empty(), null), startOf(chain));
        }
        return withFailover(chain, request, loadBalancer, r);
    }

    private Response withFailover(Chain chain, Request request, LoadBalancer loadBalancer, Retry retry)
            throws IOException {
        Call call = chain.call();
        long start = startOf(chain);
        Retry.AsyncContext<Response> retryContext = retry.asyncContext();
        SelectionContext selection = SelectionContext.empty();
        Response previous = null; // a retried response, kept until the next attempt surely runs
        IOException previousFailure = null;
        while (true) {
            Lease lease;
            try {
                lease = acquire(loadBalancer, selection, previousFailure);
            } catch (IOException noInstance) {
                if (previous != null) {
                    return previous; // nowhere left to go: the caller gets the last answer
                }
                throw noInstance;
            }
            if (previous != null) {
                previous.close();
                previous = null;
            }
            Response response;
            try {
                response = attempt(chain, request, lease, start);
            } catch (IOException failure) {
                long delay = !call.isCanceled() && FailoverRules.mayMoveOn(failure, request)
                        ? retryContext.onError(failure) : -1;
                if (delay < 0) {
                    throw failure;
                }
                if (!Backoff.await(call, delay)) {
                    throw canceled(failure);
                }
                previousFailure = failure;
                selection = selection.excluding(lease.instance());
                continue;
            }
            long delay = !call.isCanceled() && FailoverRules.isIdempotentAndRepeatable(request)
                    ? retryContext.onResult(response) : -1;
            if (delay >= 0) {
                if (!Backoff.await(call, delay)) {
                    response.close();
                    throw canceled(null);
                }
                previous = response;
                previousFailure = null;
                selection = selection.excluding(lease.instance());
                continue;
            }
            try {
                retryContext.onComplete();
            } catch (RuntimeException maxRetries) {
                // failAfterMaxAttempts: the Retry turns an exhausted result retry into a failure.
                response.close();
                throw new IOException(maxRetries.getMessage(), maxRetries);
            }
            return response;
        }
    }

    /** Sends one attempt to the lease's instance and ends the lease with its outcome. */
    private Response attempt(Chain chain, Request request, Lease lease, long start) throws IOException {
        ServiceInstance instance = lease.instance();
        HttpUrl url = request.url();
        Request routed;
        Chain target;
        try {
            if (url.isHttps()) {
                routed = request.newBuilder().url(url.newBuilder().port(instance.port()).build()).build();
                target = chain.withDns(new PinnedDns(url.host(), instance.host(), chain.getDns()));
            } else {
                routed = request.newBuilder().url(url.newBuilder().host(instance.host()).port(instance.port()).build())
                        .build();
                target = chain;
            }
        } catch (RuntimeException | Error e) {
            lease.release();
            throw e;
        }
        Response response;
        try {
            response = target.proceed(routed);
        } catch (IOException e) {
            Call call = chain.call();
            if (call.isCanceled() && !callTimedOut(call, start)) {
                lease.release(); // the caller gave up: nothing to say about the instance
            } else {
                lease.onError(e);
            }
            throw e;
        } catch (RuntimeException | Error e) {
            lease.onError(e);
            throw e;
        }
        int code = response.code();
        if (failureStatus.test(code)) {
            lease.onError(new FailureStatusException(instance, code));
        } else {
            lease.onResult(response);
        }
        return response;
    }

    private static Lease acquire(LoadBalancer loadBalancer, SelectionContext selection,
            @Nullable IOException previousFailure) throws IOException {
        try {
            return loadBalancer.acquire(selection);
        } catch (NoAvailableInstanceException e) {
            if (previousFailure != null) {
                previousFailure.addSuppressed(e);
                throw previousFailure;
            }
            throw new IOException(e.getMessage(), e);
        }
    }

    /** When the call's timeout started, near enough, or 0 when the call has no timeout. */
    private static long startOf(Chain chain) {
        return chain.call().timeout().timeoutNanos() > 0 ? System.nanoTime() : 0;
    }

    /**
     * Whether a canceled call was canceled by its call timeout. The timeout started a little before
     * the interceptor did, so the elapsed time seen here is a little short: allow a tenth of the
     * timeout, at most 50 ms.
     */
    private static boolean callTimedOut(Call call, long start) {
        long timeout = call.timeout().timeoutNanos();
        if (timeout <= 0 || start == 0) {
            return false;
        }
        long slack = Math.min(timeout / 10, TIMEOUT_SLACK_NANOS);
        return System.nanoTime() - start >= timeout - slack;
    }

    private static IOException canceled(@Nullable IOException failure) {
        IOException canceled = Thread.currentThread().isInterrupted()
                ? new InterruptedIOException("interrupted while waiting to retry") : new IOException("Canceled");
        if (failure != null) {
            canceled.addSuppressed(failure);
        }
        return canceled;
    }

    @Override
    public String toString() {
        return "LoadBalancingInterceptor{routes=" + routes.keySet() + (retry != null ? ", retry=" + retry.getName() : "")
                + '}';
    }

    /** Builds a {@link LoadBalancingInterceptor}; every setter checks its argument at once. */
    public static final class Builder {

        private final Map<String, LoadBalancer> routes = new LinkedHashMap<>();
        private final List<String> conflicts = new ArrayList<>();
        private IntPredicate failureStatus = DEFAULT_FAILURE_STATUS;
        private @Nullable Retry retry;

        private Builder() {
        }

        /**
         * Routes requests whose URL host is {@code host} (compared as OkHttp canonicalizes hosts:
         * lower case) to the load balancer's instances.
         *
         * @param host a logical host name, e.g. {@code orders} or {@code orders.internal.example.com}
         * @param loadBalancer the load balancer of that service
         * @return this builder
         * @throws IllegalArgumentException if {@code host} is not a valid URL host
         */
        public Builder route(String host, LoadBalancer loadBalancer) {
            requireNonNull(host, "host");
            requireNonNull(loadBalancer, "loadBalancer");
            String canonical = canonicalHost(host);
            LoadBalancer previous = routes.put(canonical, loadBalancer);
            if (previous != null && previous != loadBalancer) {
                conflicts.add("host '" + canonical + "' is routed to both LoadBalancer '" + previous.getName()
                        + "' and LoadBalancer '" + loadBalancer.getName() + "'");
            }
            return this;
        }

        /**
         * Sets which response statuses count as a failure of the instance that sent them.
         *
         * @param isFailure tells whether a status is a failure; default {@link #DEFAULT_FAILURE_STATUS} (5xx)
         * @return this builder
         */
        public Builder failureStatus(IntPredicate isFailure) {
            this.failureStatus = requireNonNull(isFailure, "isFailure");
            return this;
        }

        /**
         * Turns failover on: the Retry's attempts each go to an instance the call has not tried.
         *
         * @param retry a resilience4j Retry (from your {@code RetryRegistry}); its predicates see the
         *     {@link IOException} and the {@link Response} of each attempt
         * @return this builder
         */
        public Builder retry(Retry retry) {
            this.retry = requireNonNull(retry, "retry");
            return this;
        }

        /**
         * @return the interceptor
         * @throws IllegalStateException if nothing is routed, or one host was routed to two load balancers
         */
        public LoadBalancingInterceptor build() {
            if (!conflicts.isEmpty()) {
                throw new IllegalStateException(String.join("; ", conflicts));
            }
            if (routes.isEmpty()) {
                throw new IllegalStateException("no route (expected: at least one route(host, loadBalancer))");
            }
            return new LoadBalancingInterceptor(this);
        }

        private static String canonicalHost(String host) {
            HttpUrl url = host.isEmpty() || host.indexOf('/') >= 0 || host.indexOf(':') >= 0 || host.indexOf('@') >= 0
                    ? null : HttpUrl.parse("http://" + host + "/");
            if (url == null) {
                throw new IllegalArgumentException(
                        "host: '" + host + "' (expected: a host name without scheme, port or path, e.g. 'orders')");
            }
            return url.host();
        }
    }
}
