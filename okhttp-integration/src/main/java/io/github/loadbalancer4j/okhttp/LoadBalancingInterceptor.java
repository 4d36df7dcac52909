package io.github.loadbalancer4j.okhttp;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.Lease;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerRegistry;
import io.github.loadbalancer4j.NoAvailableInstanceException;
import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.internal.Durations;
import io.github.loadbalancer4j.okhttp.internal.Backoff;
import io.github.loadbalancer4j.okhttp.internal.FailoverRules;
import io.github.loadbalancer4j.okhttp.internal.FailureStatuses;
import io.github.loadbalancer4j.okhttp.internal.InstanceAttempt;
import io.github.loadbalancer4j.okhttp.internal.InstancePools;
import io.github.loadbalancer4j.okhttp.internal.InstanceUrls;
import io.github.loadbalancer4j.okhttp.internal.Routes;
import io.github.loadbalancer4j.retry.FailoverRetry;
import io.github.loadbalancer4j.retry.RetryBudget;
import io.github.loadbalancer4j.retry.internal.Failover;
import io.github.resilience4j.retry.MaxRetriesExceededException;
import io.github.resilience4j.retry.Retry;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import okhttp3.Call;
import okhttp3.ConnectionPool;
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
 *       (default: 429 and 5xx, recorded as a {@link FailureStatusException}), counts as a failure on
 *       the instance's circuit breaker and in its latency statistics (a failure costs as much as a
 *       slow answer, so a fast 429 does not attract traffic); the time to the response headers feeds
 *       its latency. The response is returned to the caller as it is. A call the caller canceled
 *       records nothing.
 *   <li><b>Retry-After</b>: a 429 or 503 counted as a failure whose {@code Retry-After} header
 *       holds delta-seconds or an HTTP-date keeps its instance out of selection for that long, at
 *       most {@link Builder#maxRetryAfter} (default 60 s); the load balancer publishes an
 *       {@code InstanceEjectedEvent} (reason {@code RETRY_AFTER}) and an {@code InstanceRestoredEvent}
 *       when the hold ends. An unreadable value is ignored (the status still counts as a failure).
 *   <li><b>failover</b>, with a resilience4j {@link Retry}: the Retry decides what is retried (its
 *       exception and result predicates see the {@link IOException} and the {@link Response}), how
 *       often and the wait; a {@link RetryBudget} caps the retries. Each retry goes to an instance
 *       this call has not tried while one is available. A connect failure moves on for any method;
 *       any other failure, or a retried response, moves on only for idempotent methods (GET, HEAD,
 *       OPTIONS, PUT, DELETE, TRACE) whose body can be sent again. A rejected certificate is never
 *       retried. A discarded response is closed before the next attempt. The wait runs on the calling
 *       thread and ends when the call is canceled or its call timeout fires; after a response that
 *       held its instance out (Retry-After) the next attempt goes to another instance at once,
 *       without the wait.
 *   <li><b>sent once</b>: the interceptor sends a request again only when nothing was sent (a
 *       connect failure) or when its method is idempotent and its body repeatable. OkHttp, below the
 *       interceptor, sends a request again on a new connection to the same instance when a pooled
 *       connection fails, even after the server read it ({@code retryOnConnectionFailure}, on by
 *       default; a one-shot body excepted): for exactly once, build the client with
 *       {@code retryOnConnectionFailure(false)}.
 *   <li><b>connections</b>: each instance has a {@link ConnectionPool} of its own (5 idle
 *       connections kept 5 minutes, as OkHttp's default pool; {@link Builder#connectionPoolPerInstance});
 *       when an instance leaves its load balancer's list, its idle connections are closed at once.
 *       Routed calls therefore do not use the client's {@code connectionPool()}: close their idle
 *       connections with {@link #evictAll()}. {@link Builder#clientConnectionPool()} uses the
 *       client's pool instead.
 * </ul>
 *
 * <p>It must be added with {@code addInterceptor}: as a network interceptor it fails every call
 * with an {@link IllegalStateException} saying so (routing must happen before OkHttp picks a
 * connection). When no instance is available the call fails with an {@link IOException} whose cause
 * is the {@link NoAvailableInstanceException}. Thread-safe; build it once per client.
 */
public final class LoadBalancingInterceptor implements Interceptor {

    /**
     * The default failure statuses: 429 (Too Many Requests) and 500-599. A rate-limited instance
     * answers 429 at once; counted as a success it would look like the fastest instance and attract
     * more of the traffic it is refusing. {@code failureStatus(code -> code >= 500 && code <= 599)}
     * counts 5xx only.
     */
    public static final IntPredicate DEFAULT_FAILURE_STATUS = code -> code == 429 || (code >= 500 && code <= 599);

    /**
     * The default longest hold for a {@code Retry-After}: 60 s. Long enough for the usual rate-limit
     * windows (a second to a minute); short enough that a server asking for an hour, or an HTTP-date
     * skewed by a wrong clock, takes its instance away for a minute at most.
     */
    public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofSeconds(60);

    /** The default number of idle connections each instance's pool keeps: 5, as OkHttp's default pool. */
    public static final int DEFAULT_MAX_IDLE_CONNECTIONS_PER_INSTANCE = 5;

    /** The default time an idle connection stays in its instance's pool: 5 minutes, as OkHttp's default pool. */
    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofMinutes(5);

    static final String NETWORK_INTERCEPTOR_MESSAGE = "LoadBalancingInterceptor must be an application interceptor "
            + "(expected: OkHttpClient.Builder.addInterceptor(...), not addNetworkInterceptor(...)): "
            + "a network interceptor runs after OkHttp has chosen the connection";

    private final Routes routes;
    private final FailureStatuses statuses;
    private final @Nullable Retry retry;
    private final InstanceUrls urls = new InstanceUrls();

    private LoadBalancingInterceptor(Builder builder) {
        this.routes = new Routes(builder.routes, builder.registry, builder.retry, builder.retryBudget,
                builder.clientConnectionPool ? null
                        : new Routes.PoolSettings(builder.maxIdleConnectionsPerInstance, builder.keepAlive));
        this.statuses = new FailureStatuses(builder.failureStatus, builder.maxRetryAfter, builder.clock);
        this.retry = builder.retry;
    }

    /** @return a builder; add at least one route or a registry */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the host names routed with {@link Builder#route} and their load balancers (not the registry's) */
    public Map<String, LoadBalancer> getRoutes() {
        return routes.named();
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
        Routes.Route route = routes.find(request.url().host());
        if (route == null) {
            return chain.proceed(request);
        }
        Retry r = retry;
        RetryBudget budget = route.budget;
        if (r == null || budget == null) {
            return InstanceAttempt.send(chain, request, acquire(route.loadBalancer, SelectionContext.empty(), null),
                    statuses, urls, route.pools, InstanceAttempt.startOf(chain));
        }
        return withFailover(chain, request, route.loadBalancer, r, budget, route.pools);
    }

    /**
     * Failover over OkHttp: the engine ({@link Failover}) decides after each attempt; this loop only
     * sends, waits on the call's thread (ending the wait when the call is canceled) and shapes the
     * outcome as OkHttp's callers expect it (an {@link IOException}, a response closed once discarded).
     */
    private Response withFailover(Chain chain, Request request, LoadBalancer loadBalancer, Retry retry,
            RetryBudget budget, @Nullable InstancePools pools) throws IOException {
        Call call = chain.call();
        long start = InstanceAttempt.startOf(chain);
        Failover<Response> failover = Failover.start(retry, budget, SelectionContext.empty(), null, loadBalancer.getName());
        Response previous = null; // a retried response, kept until the next attempt surely runs
        IOException previousFailure = null;
        while (true) {
            Lease lease;
            try {
                lease = acquire(loadBalancer, failover.selection(), previousFailure);
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
                response = InstanceAttempt.send(chain, request, lease, statuses, urls, pools, start);
            } catch (IOException failure) {
                boolean mayMoveOn = !call.isCanceled() && FailoverRules.mayMoveOn(failure, request);
                Failover.Action next = mayMoveOn ? failover.afterFailure(lease.instance(), failure) : failover.end(failure);
                if (next == Failover.Action.THROW) {
                    throw failover.decisionFailed() ? undecided(retry, failover.failure(), failure, null) : failure;
                }
                if (!Backoff.await(call, failover.delayMillis())) {
                    throw canceled(failure);
                }
                previousFailure = failure;
                continue;
            }
            boolean mayRepeat = !call.isCanceled() && FailoverRules.isIdempotentAndRepeatable(request);
            Failover.Action next = mayRepeat ? failover.afterResult(lease.instance(), response) : failover.finish();
            if (next == Failover.Action.THROW) {
                throw undecided(retry, failover.failure(), null, response);
            }
            if (next == Failover.Action.RETURN) {
                return response;
            }
            // The instance asked to be left alone and is held out: the next one need not wait for it.
            if (!Backoff.await(call, statuses.holdFor(response).isZero() ? failover.delayMillis() : 0)) {
                response.close();
                throw canceled(null);
            }
            previous = response;
            previousFailure = null;
        }
    }

    /**
     * What the Retry itself threw, as the IOException OkHttp's callers expect: {@code failAfterMaxAttempts}
     * keeps its message; a predicate or interval function that threw says so. A response is closed.
     */
    private static IOException undecided(Retry retry, Throwable thrown, @Nullable IOException failure,
            @Nullable Response response) {
        if (response != null) {
            response.close();
        }
        IOException wrapped = thrown instanceof MaxRetriesExceededException
                ? new IOException(thrown.getMessage(), thrown)
                : new IOException("Retry '" + retry.getName() + "' failed to decide: " + thrown, thrown);
        if (failure != null) {
            wrapped.addSuppressed(failure);
        }
        return wrapped;
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

    private static IOException canceled(@Nullable IOException failure) {
        IOException canceled = Thread.currentThread().isInterrupted()
                ? new InterruptedIOException("interrupted while waiting to retry") : new IOException("Canceled");
        if (failure != null) {
            canceled.addSuppressed(failure);
        }
        return canceled;
    }

    /**
     * @return the connections, idle or in use, in the instances' own pools (0 with
     *     {@link Builder#clientConnectionPool()}: ask the client's pool)
     */
    public int connectionCount() {
        return routes.instancePools().mapToInt(InstancePools::connectionCount).sum();
    }

    /** @return the idle connections in the instances' own pools (0 with {@link Builder#clientConnectionPool()}) */
    public int idleConnectionCount() {
        return routes.instancePools().mapToInt(InstancePools::idleConnectionCount).sum();
    }

    /**
     * Closes the idle connections of every instance's pool, as {@link ConnectionPool#evictAll()} does
     * for the client's pool (which does not hold routed calls' connections); connections in use are
     * left alone.
     */
    public void evictAll() {
        routes.instancePools().forEach(InstancePools::evictAll);
    }

    @Override
    public String toString() {
        return "LoadBalancingInterceptor{routes=" + routes + (retry != null ? ", retry=" + retry.getName() : "") + '}';
    }

    /** Builds a {@link LoadBalancingInterceptor}; every setter checks its argument at once. */
    public static final class Builder {

        private final Map<String, LoadBalancer> routes = new LinkedHashMap<>();
        private final List<String> conflicts = new ArrayList<>();
        private @Nullable LoadBalancerRegistry registry;
        private IntPredicate failureStatus = DEFAULT_FAILURE_STATUS;
        private Duration maxRetryAfter = DEFAULT_MAX_RETRY_AFTER;
        private Clock clock = Clock.systemUTC();
        private int maxIdleConnectionsPerInstance = DEFAULT_MAX_IDLE_CONNECTIONS_PER_INSTANCE;
        private Duration keepAlive = DEFAULT_KEEP_ALIVE;
        private boolean poolPerInstanceSet;
        private boolean clientConnectionPool;
        private @Nullable Retry retry;
        private @Nullable RetryBudget retryBudget;

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
         * Also routes requests whose URL host is the name of a load balancer in the registry (looked
         * up at each request, so load balancers added later are routed too; OkHttp's hosts are lower
         * case, so only lower-case names match). Hosts given to {@link #route} come first.
         *
         * @param registry the registry
         * @return this builder
         */
        public Builder registry(LoadBalancerRegistry registry) {
            this.registry = requireNonNull(registry, "registry");
            return this;
        }

        /**
         * Sets which response statuses count as a failure of the instance that sent them (on its
         * circuit breaker and in its latency statistics). A 429 or 503 left out here is a success and
         * its {@code Retry-After} holds nothing.
         *
         * @param isFailure tells whether a status is a failure; default {@link #DEFAULT_FAILURE_STATUS}
         *     (429 and 5xx); {@code code -> code >= 500 && code <= 599} for 5xx only
         * @return this builder
         */
        public Builder failureStatus(IntPredicate isFailure) {
            this.failureStatus = requireNonNull(isFailure, "isFailure");
            return this;
        }

        /**
         * Caps how long a {@code Retry-After} on a 429 or 503 keeps its instance out of selection;
         * {@link Duration#ZERO} never holds an instance out (the status still counts as a failure).
         *
         * @param max the longest hold, {@code >= 0}; default {@link #DEFAULT_MAX_RETRY_AFTER} (60 s)
         * @return this builder
         * @throws IllegalArgumentException if {@code max} is negative or longer than a count of
         *     nanoseconds holds (292 years)
         */
        public Builder maxRetryAfter(Duration max) {
            this.maxRetryAfter = Durations.requireNonNegative("maxRetryAfter", max);
            return this;
        }

        /**
         * Sets the clock a {@code Retry-After} HTTP-date is measured against (delta-seconds need none;
         * the hold itself runs on the load balancer's ticker).
         *
         * @param clock the clock; default {@link Clock#systemUTC()}
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sizes the connection pool each instance has: routed calls to an instance reuse its pooled
         * connections, and when the instance leaves its load balancer's list its idle connections are
         * closed at once (connections in use finish their call and are closed by the keep-alive).
         *
         * <p>OkHttp 5.5.1 tells the client's pool, not a pool given with {@code withConnectionPool}, when
         * a connection becomes idle, so an instance's pool trims its idle connections to
         * {@code maxIdleConnections} when it next cleans up (when it opens a connection, or within
         * {@code keepAlive}) rather than at once: after a burst, more idle connections than that may
         * stay open for up to {@code keepAlive}.
         *
         * @param maxIdleConnections idle connections kept per instance, {@code >= 0}; default
         *     {@link #DEFAULT_MAX_IDLE_CONNECTIONS_PER_INSTANCE} (5)
         * @param keepAlive how long an idle connection is kept, {@code > 0}; default
         *     {@link #DEFAULT_KEEP_ALIVE} (5 minutes)
         * @return this builder
         * @throws IllegalArgumentException if {@code maxIdleConnections} is negative, or {@code keepAlive}
         *     is not positive or longer than a count of nanoseconds holds
         */
        public Builder connectionPoolPerInstance(int maxIdleConnections, Duration keepAlive) {
            if (maxIdleConnections < 0) {
                throw new IllegalArgumentException("maxIdleConnections: " + maxIdleConnections + " (expected: >= 0)");
            }
            this.keepAlive = Durations.requirePositive("keepAlive", keepAlive);
            this.maxIdleConnectionsPerInstance = maxIdleConnections;
            this.poolPerInstanceSet = true;
            return this;
        }

        /**
         * Sends routed calls through the client's own {@link ConnectionPool} instead of one pool per
         * instance (the behaviour before per-instance pools): the idle connections of an instance that
         * leaves the list then stay until that pool's keep-alive closes them (5 minutes by default), or
         * until {@code client.connectionPool().evictAll()}, which closes every idle connection.
         *
         * @return this builder
         */
        public Builder clientConnectionPool() {
            this.clientConnectionPool = true;
            return this;
        }

        /**
         * Turns failover on: the Retry's attempts each go to an instance the call has not tried.
         * Without {@link #retryBudget}, each load balancer's retries draw on its
         * {@link FailoverRetry#defaultBudget(LoadBalancer) default budget}, shared with
         * {@code FailoverRetry}.
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
         * Caps retries with one budget for every routed host: each call deposits, each retry
         * withdraws; a refused retry ends the call with its last failure or response.
         *
         * @param budget the budget
         * @return this builder
         */
        public Builder retryBudget(RetryBudget budget) {
            this.retryBudget = requireNonNull(budget, "budget");
            return this;
        }

        /**
         * @return the interceptor
         * @throws IllegalStateException if nothing is routed, one host was routed to two load
         *     balancers, a retry budget was set without a retry, or both {@code clientConnectionPool()}
         *     and {@code connectionPoolPerInstance(...)} were set
         */
        public LoadBalancingInterceptor build() {
            if (!conflicts.isEmpty()) {
                throw new IllegalStateException(String.join("; ", conflicts));
            }
            if (routes.isEmpty() && registry == null) {
                throw new IllegalStateException(
                        "no route (expected: at least one route(host, loadBalancer), or registry(registry))");
            }
            if (retryBudget != null && retry == null) {
                throw new IllegalStateException(
                        "retryBudget(" + retryBudget.getName() + ") was set without retry(...) (expected: both, or neither)");
            }
            if (clientConnectionPool && poolPerInstanceSet) {
                throw new IllegalStateException("clientConnectionPool() and connectionPoolPerInstance(" + maxIdleConnectionsPerInstance
                        + ", " + keepAlive + ") were both set (expected: one of them)");
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
