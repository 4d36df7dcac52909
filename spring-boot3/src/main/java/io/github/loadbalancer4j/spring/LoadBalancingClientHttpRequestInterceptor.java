package io.github.loadbalancer4j.spring;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.Lease;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.NoAvailableInstanceException;
import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.retry.RetryBudget;
import io.github.loadbalancer4j.retry.internal.Failover;
import io.github.loadbalancer4j.retry.internal.HttpFailoverRules;
import io.github.loadbalancer4j.spring.internal.HttpOutcomes;
import io.github.loadbalancer4j.spring.internal.InstanceUris;
import io.github.resilience4j.retry.Retry;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.support.HttpRequestWrapper;

/**
 * A {@link ClientHttpRequestInterceptor} for {@code RestClient} and {@code RestTemplate} that sends
 * requests for a load-balanced host name ({@code http://orders/...}) to an instance a
 * {@link LoadBalancer} picks, like the OkHttp module's {@code LoadBalancingInterceptor}:
 * <pre>{@code
 * RestClient orders = RestClient.builder()
 *         .requestInterceptor(LoadBalancingClientHttpRequestInterceptor.of(routes))
 *         .build();
 * String order = orders.get().uri("http://orders/orders/42").retrieve().body(String.class);
 * }</pre>
 * With the auto-configuration, Spring Boot's {@code RestClient.Builder} and {@code RestTemplateBuilder}
 * already have it.
 *
 * <p>A request whose host is not routed passes through untouched. For a routed request:
 * <ul>
 *   <li><b>URL</b>: the host and port become the instance's; the scheme becomes https when the
 *       instance is secure (certificates are then checked against the instance's host name);
 *   <li><b>outcome</b>: an {@link IOException}, or a response whose status is a failure status
 *       (default: 429 and 5xx, recorded as a {@link FailureStatusException}), counts as a failure on the
 *       instance's circuit breaker; the time to the response feeds its latency. The caller gets the
 *       response as it is. A 429 or 503 failure with a {@code Retry-After} keeps its instance out of
 *       selection that long (at most {@link Builder#maxRetryAfter}, 60 s by default);
 *   <li><b>failover</b>, when the route has a {@link Retry}: the Retry decides what is retried (a
 *       failure status reaches it as a {@link FailureStatusException}, other responses through its result
 *       predicate), how often and the wait; the route's {@link RetryBudget} caps the retries; each retry
 *       goes to an instance this request has not tried while one is available. A connect failure moves on
 *       for any method; any other failure or response only for idempotent methods (GET, HEAD, OPTIONS,
 *       PUT, DELETE, TRACE; the body is always repeatable here, Spring having buffered it). A response
 *       that is retried is closed once the next attempt has an instance; when none is left, the caller
 *       gets it. The wait runs on the calling thread; an interrupt ends it.
 * </ul>
 * When no instance is available the request fails with an {@link IOException} whose cause is the
 * {@link NoAvailableInstanceException} (RestClient reports it as a {@code ResourceAccessException}).
 *
 * <p>Spring runs the interceptors after this one only for the first attempt: add it last. Thread-safe.
 */
public final class LoadBalancingClientHttpRequestInterceptor implements ClientHttpRequestInterceptor {

    /**
     * The default failure statuses, as the OkHttp interceptor's: 429 (Too Many Requests) and 500-599.
     * A rate-limited instance answers 429 at once; counted as a success it would look like the fastest
     * instance and attract more calls.
     */
    public static final IntPredicate DEFAULT_FAILURE_STATUS = code -> code == 429 || (code >= 500 && code <= 599);

    /** The default cap on how long a {@code Retry-After} keeps an instance out of selection: 60 s. */
    public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofSeconds(60);

    private final LoadBalancerRoutes routes;
    private final HttpOutcomes outcomes;

    private LoadBalancingClientHttpRequestInterceptor(LoadBalancerRoutes routes, HttpOutcomes outcomes) {
        this.routes = routes;
        this.outcomes = outcomes;
    }

    /**
     * An interceptor with the defaults: failure statuses 429 and 5xx, {@code Retry-After} holds capped at 60 s.
     *
     * @param routes which hosts are load balanced
     * @return the interceptor
     */
    public static LoadBalancingClientHttpRequestInterceptor of(LoadBalancerRoutes routes) {
        return builder(routes).build();
    }

    /**
     * Starts a builder.
     *
     * @param routes which hosts are load balanced
     * @return a builder with the defaults
     */
    public static Builder builder(LoadBalancerRoutes routes) {
        return new Builder(routes);
    }

    /**
     * Routes the request if its host is routed, else passes it on untouched.
     *
     * @param request the request, with the service's name as host
     * @param body the body
     * @param execution the rest of Spring's chain
     * @return the instance's response, as it is
     * @throws IOException the attempt's failure (the last one with failover), or an {@code IOException}
     *     caused by {@link NoAvailableInstanceException}
     */
    @Override
    public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
            throws IOException {
        String host = request.getURI().getHost();
        LoadBalancerRoute route = host == null ? null : routes.find(host);
        if (route == null) {
            return execution.execute(request, body);
        }
        Retry retry = route.retry();
        RetryBudget budget = route.retryBudget();
        if (retry == null || budget == null) {
            Lease lease = acquire(route.loadBalancer(), SelectionContext.empty());
            return send(request, body, execution, lease).response();
        }
        return withFailover(request, body, execution, route.loadBalancer(), retry, budget);
    }

    private ClientHttpResponse withFailover(HttpRequest request, byte[] body, ClientHttpRequestExecution execution,
            LoadBalancer loadBalancer, Retry retry, RetryBudget budget) throws IOException {
        boolean idempotent = HttpFailoverRules.isIdempotent(request.getMethod().name());
        Failover<ClientHttpResponse> failover = Failover.start(retry, budget, SelectionContext.empty());
        ClientHttpResponse previous = null; // a retried response, kept until the next attempt surely runs
        Throwable previousFailure = null;
        while (true) {
            Lease lease;
            try {
                lease = loadBalancer.acquire(failover.selection());
            } catch (NoAvailableInstanceException e) {
                if (previous != null) {
                    return previous; // nowhere left to go: the caller gets the last answer
                }
                if (previousFailure != null) {
                    previousFailure.addSuppressed(e);
                    throw rethrow(previousFailure);
                }
                throw noInstance(e);
            }
            if (previous != null) {
                previous.close();
                previous = null;
            }
            ServiceInstance instance = lease.instance();
            Attempt attempt;
            try {
                attempt = send(request, body, execution, lease);
            } catch (IOException | RuntimeException failure) {
                Failover.Action next = HttpFailoverRules.mayMoveOn(failure, request.getMethod().name(), true)
                        ? failover.afterFailure(instance, failure) : failover.end(failure);
                if (next != Failover.Action.RETRY) {
                    throw rethrow(failover.failure());
                }
                awaitBackoff(failover.delayMillis(), failure);
                previousFailure = failure;
                continue;
            }
            ClientHttpResponse response = attempt.response();
            FailureStatusException status = attempt.failure();
            Failover.Action next = !idempotent ? failover.finish()
                    : status != null ? failover.afterFailure(instance, status) : failover.afterResult(instance, response);
            if (next == Failover.Action.RETURN || next == Failover.Action.THROW && !failover.decisionFailed()) {
                return response; // final, or a failure status the Retry will not retry again: the caller gets it
            }
            if (next == Failover.Action.THROW) {
                response.close();
                throw rethrow(failover.failure()); // what the Retry threw (a predicate, failAfterMaxAttempts)
            }
            try {
                // An instance that asked to be left alone is held out: the next one need not wait for it.
                awaitBackoff(attempt.held() ? 0 : failover.delayMillis(), null);
            } catch (InterruptedIOException e) {
                response.close();
                throw e;
            }
            previous = response;
            previousFailure = null;
        }
    }

    /** Sends one attempt to the lease's instance and ends the lease with its outcome. */
    private Attempt send(HttpRequest request, byte[] body, ClientHttpRequestExecution execution, Lease lease)
            throws IOException {
        ServiceInstance instance = lease.instance();
        ClientHttpResponse response;
        int status;
        try {
            URI uri = InstanceUris.rewrite(request.getURI(), instance);
            response = execution.execute(new InstanceRequest(request, uri), body);
        } catch (Throwable e) {
            lease.onError(e);
            throw e;
        }
        try {
            status = response.getStatusCode().value();
        } catch (IOException | RuntimeException e) {
            lease.onError(e);
            response.close();
            throw e;
        }
        FailureStatusException failure = outcomes.end(lease, status, response.getHeaders());
        if (failure == null) {
            lease.onResult(response);
            return new Attempt(response, null, false);
        }
        return new Attempt(response, failure, !outcomes.holdFor(status, response.getHeaders()).isZero());
    }

    private static Lease acquire(LoadBalancer loadBalancer, SelectionContext selection) throws IOException {
        try {
            return loadBalancer.acquire(selection);
        } catch (NoAvailableInstanceException e) {
            throw noInstance(e);
        }
    }

    private static IOException noInstance(NoAvailableInstanceException e) {
        return new IOException(e.getMessage(), e);
    }

    /** Waits out a retry's backoff on the calling thread; an interrupt ends the call. */
    private static void awaitBackoff(long millis, @Nullable Throwable failure) throws InterruptedIOException {
        if (millis <= 0) {
            return;
        }
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException("interrupted while waiting to retry");
            if (failure != null) {
                interrupted.addSuppressed(failure);
            }
            throw interrupted;
        }
    }

    /** What a call ends with: IOExceptions and unchecked ones as they are, anything else in an IOException. */
    private static IOException rethrow(Throwable failure) throws IOException {
        if (failure instanceof IOException) {
            throw (IOException) failure;
        }
        if (failure instanceof RuntimeException) {
            throw (RuntimeException) failure;
        }
        if (failure instanceof Error) {
            throw (Error) failure;
        }
        throw new IOException(failure);
    }

    @Override
    public String toString() {
        return "LoadBalancingClientHttpRequestInterceptor{" + routes + '}';
    }

    /**
     * One attempt's response, the failure status recorded for it, if any, and whether its instance is
     * held out by a {@code Retry-After}.
     */
    private record Attempt(ClientHttpResponse response, @Nullable FailureStatusException failure, boolean held) {
    }

    /** Builds a {@link LoadBalancingClientHttpRequestInterceptor}; every setter checks its argument at once. */
    public static final class Builder extends HttpClientBuilder<Builder> {

        private Builder(LoadBalancerRoutes routes) {
            super(routes);
        }

        /** @return the interceptor */
        public LoadBalancingClientHttpRequestInterceptor build() {
            return new LoadBalancingClientHttpRequestInterceptor(routes, outcomes());
        }
    }

    /** The caller's request, sent to the instance's URL. */
    private static final class InstanceRequest extends HttpRequestWrapper {
        private final URI uri;

        InstanceRequest(HttpRequest request, URI uri) {
            super(request);
            this.uri = uri;
        }

        @Override
        public URI getURI() {
            return uri;
        }
    }
}
