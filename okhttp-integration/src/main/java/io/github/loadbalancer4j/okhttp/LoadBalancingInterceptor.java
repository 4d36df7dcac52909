package io.github.loadbalancer4j.okhttp;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerRegistry;
import io.github.loadbalancer4j.NoAvailableInstanceException;
import io.github.loadbalancer4j.internal.Durations;
import io.github.loadbalancer4j.okhttp.internal.CallDeadlines;
import io.github.loadbalancer4j.okhttp.internal.FailoverExchange;
import io.github.loadbalancer4j.okhttp.internal.FailoverRules;
import io.github.loadbalancer4j.okhttp.internal.FailureStatuses;
import io.github.loadbalancer4j.okhttp.internal.HedgedExchange;
import io.github.loadbalancer4j.okhttp.internal.InstancePools;
import io.github.loadbalancer4j.okhttp.internal.InstanceUrls;
import io.github.loadbalancer4j.okhttp.internal.Routes;
import io.github.loadbalancer4j.retry.Deadline;
import io.github.loadbalancer4j.retry.DeadlineExceededException;
import io.github.loadbalancer4j.retry.FailoverRetry;
import io.github.loadbalancer4j.retry.Hedging;
import io.github.loadbalancer4j.retry.HedgingPolicy;
import io.github.loadbalancer4j.retry.RetryBudget;
import io.github.loadbalancer4j.retry.internal.DefaultHedging;
import io.github.resilience4j.retry.Retry;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.IntPredicate;
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
 *   <li><b>hedging</b>, with a {@link HedgingPolicy} ({@link Builder#hedging}): a GET, HEAD or OPTIONS
 *       request (the {@link Builder#hedgedMethods hedged methods}) whose first attempt has not
 *       answered after the policy's delay is sent again to an instance it has not tried; the first
 *       answer that is not a failure status wins, and the other attempts' calls are cancelled (their
 *       servers see the connection closed, their leases are released: neither success nor failure).
 *       Each attempt of a hedged request is a clone of the caller's call, run on the hedging executor
 *       (application interceptors before this one see each attempt); a hedged request is not also
 *       failed over with the Retry: a failed attempt sends the next hedge at once, within the policy's
 *       budget. A POST is never hedged. {@link #getHedging(String)} gives a host's counters and events.
 *   <li><b>deadline</b> ({@link Builder#deadline}, {@link Builder#deadlineFromCallTimeout()}): each
 *       routed call's attempts and backoffs together take at most the deadline; each attempt's connect,
 *       read and write timeouts are cut to the time left, no retry or hedge starts with less than the
 *       floor left, and a call whose time ran out fails with an {@link InterruptedIOException} caused by a
 *       {@link DeadlineExceededException} that names the deadline and the attempts made.
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

    /** The methods hedged by default: GET, HEAD and OPTIONS, which only read. */
    public static final Set<String> DEFAULT_HEDGED_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private final Routes routes;
    private final FailureStatuses statuses;
    private final @Nullable Retry retry;
    private final InstanceUrls urls = new InstanceUrls();
    private final CallDeadlines deadlines;
    private final FailoverExchange failover;
    private final @Nullable HedgedExchange hedged;
    private final Set<String> hedgedMethods;

    private LoadBalancingInterceptor(Builder builder) {
        this.routes = new Routes(builder.routes, builder.registry, builder.retry, builder.retryBudget, builder.hedging,
                builder.clientConnectionPool ? null
                        : new Routes.PoolSettings(builder.maxIdleConnectionsPerInstance, builder.keepAlive));
        this.statuses = new FailureStatuses(builder.failureStatus, builder.maxRetryAfter, builder.clock);
        this.retry = builder.retry;
        this.deadlines = new CallDeadlines(builder.deadline, builder.minAttemptTime, builder.deadlineFromCallTimeout);
        this.failover = new FailoverExchange(statuses, urls);
        this.hedged = builder.hedging == null ? null : new HedgedExchange(statuses, urls, builder.hedgingExecutor);
        this.hedgedMethods = Set.copyOf(builder.hedgedMethods);
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
        HedgedExchange.Attempt attempt = HedgedExchange.tagOf(chain);
        if (attempt != null) {
            return attempt.send(chain); // one attempt of a hedged call, in a clone of the caller's call
        }
        Request request = chain.request();
        Routes.Route route = routes.find(request.url().host());
        if (route == null) {
            return chain.proceed(request);
        }
        Deadline deadline = deadlines.start(chain);
        DefaultHedging hedging = route.hedging;
        HedgedExchange h = hedged;
        if (h != null && hedging != null && hedges(request, hedging)) {
            return h.execute(chain, request, hedging, route.pools, deadline);
        }
        Retry r = retry;
        RetryBudget budget = route.budget;
        if (r == null || budget == null) {
            return failover.once(chain, request, route.loadBalancer, route.pools, deadline);
        }
        return failover.execute(chain, request, route.loadBalancer, r, budget, route.pools, deadline);
    }

    /** Whether a request is hedged: a hedged method, a body that can be sent again, and the policy agrees. */
    private boolean hedges(Request request, DefaultHedging hedging) {
        return hedgedMethods.contains(request.method()) && FailoverRules.isIdempotentAndRepeatable(request)
                && hedging.getPolicy().isIdempotent(request);
    }

    /**
     * The hedging of a routed host: its counters ({@link Hedging#getMetrics()}), events and current delay.
     * Each load balancer has its own (its latency histogram is its own).
     *
     * @param host a host routed with {@link Builder#route}, or a registry's load balancer name that has
     *     been called
     * @return its hedging; null without {@link Builder#hedging}, or for a host not routed (yet)
     */
    public @Nullable Hedging getHedging(String host) {
        Routes.Route route = routes.existing(requireNonNull(host, "host").toLowerCase(Locale.ROOT));
        return route == null ? null : route.hedging;
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
        return "LoadBalancingInterceptor{routes=" + routes + (retry != null ? ", retry=" + retry.getName() : "")
                + (hedged != null ? ", hedging " + hedgedMethods : "") + (deadlines.any() ? ", " + deadlines : "") + '}';
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
        private @Nullable HedgingPolicy hedging;
        private Set<String> hedgedMethods = DEFAULT_HEDGED_METHODS;
        private boolean hedgedMethodsSet;
        private @Nullable ExecutorService hedgingExecutor;
        private @Nullable Duration deadline;
        private @Nullable Duration minAttemptTime;
        private boolean deadlineFromCallTimeout;

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
         * Hedges the requests of the {@link #hedgedMethods hedged methods} (GET, HEAD and OPTIONS by
         * default) whose body can be sent again and which the policy calls
         * {@link HedgingPolicy#isIdempotent(Object) idempotent} (it is given the {@link Request}): after the
         * policy's delay, the request is also sent to an instance it has not tried, the first answer that is
         * not a failure status wins and the other attempts' calls are cancelled. Each load balancer gets
         * its own {@link Hedging} (latency histogram, counters, events): {@link #getHedging(String)}.
         * Hedged requests are not failed over with {@link #retry}: their hedges are their retries.
         *
         * @param policy when and how often to hedge, and the budget hedges draw on
         * @return this builder
         */
        public Builder hedging(HedgingPolicy policy) {
            this.hedging = requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Sets which methods are hedged. Only methods that are safe to send twice are accepted; POST and
         * PATCH never are.
         *
         * @param methods e.g. {@code "GET", "HEAD"}; default {@link #DEFAULT_HEDGED_METHODS}
         * @return this builder
         * @throws IllegalArgumentException if a method is not idempotent (GET, HEAD, OPTIONS, PUT, DELETE,
         *     TRACE), or none is given
         */
        public Builder hedgedMethods(String... methods) {
            requireNonNull(methods, "methods");
            if (methods.length == 0) {
                throw new IllegalArgumentException("methods: none (expected: at least one, e.g. \"GET\")");
            }
            Set<String> set = new LinkedHashSet<>();
            for (String method : methods) {
                requireNonNull(method, "method");
                if (!FailoverRules.isIdempotentMethod(method)) {
                    throw new IllegalArgumentException("method: " + method
                            + " (expected: an idempotent method, one of GET, HEAD, OPTIONS, PUT, DELETE, TRACE)");
                }
                set.add(method);
            }
            this.hedgedMethods = Set.copyOf(set);
            this.hedgedMethodsSet = true;
            return this;
        }

        /**
         * Sets the executor the attempts of hedged requests run on (each attempt is a call of its own,
         * executed there while the caller's thread waits). By default a shared cached pool of daemon
         * threads, as OkHttp's dispatcher has.
         *
         * @param executor runs one task per attempt; must not queue them behind each other
         * @return this builder
         */
        public Builder hedgingExecutor(ExecutorService executor) {
            this.hedgingExecutor = requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Bounds every routed call, its attempts and backoffs together, with the
         * {@link Deadline#defaultMinAttemptTime(Duration) default floor}; see {@link #deadline(Duration, Duration)}.
         *
         * @param timeout how long a routed call may take, {@code > 0}
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder deadline(Duration timeout) {
            this.deadline = Durations.requirePositive("timeout", timeout);
            this.minAttemptTime = null;
            return this;
        }

        /**
         * Bounds every routed call, its attempts and backoffs together: each attempt's connect, read and
         * write timeouts are cut to the time left, no retry or hedge starts with less than
         * {@code minAttemptTime} left (nor a retry whose backoff would leave less), and a call whose time ran
         * out fails with an {@link InterruptedIOException} caused by a {@link DeadlineExceededException}.
         *
         * @param timeout how long a routed call may take, {@code > 0}
         * @param minAttemptTime the floor, {@code >= 0} and shorter than the timeout
         * @return this builder
         * @throws IllegalArgumentException if the timeout is not positive, or the floor negative or not
         *     shorter than the timeout
         */
        public Builder deadline(Duration timeout, Duration minAttemptTime) {
            Deadline.after(timeout, minAttemptTime, System::nanoTime); // checks both as a deadline does
            this.deadline = timeout;
            this.minAttemptTime = minAttemptTime;
            return this;
        }

        /**
         * Makes a call's own timeout ({@code OkHttpClient.Builder.callTimeout}, or {@code call.timeout()})
         * its deadline too, as {@link #deadline(Duration)} does, when the call has one (the shorter one wins
         * when both are set). OkHttp still enforces the call timeout itself; the deadline cuts each
         * attempt to the time left and refuses retries that cannot finish in it.
         *
         * @return this builder
         */
        public Builder deadlineFromCallTimeout() {
            this.deadlineFromCallTimeout = true;
            return this;
        }

        /**
         * @return the interceptor
         * @throws IllegalStateException if nothing is routed, one host was routed to two load
         *     balancers, a retry budget was set without a retry, hedged methods or a hedging executor
         *     without hedging, or both {@code clientConnectionPool()} and {@code connectionPoolPerInstance(...)}
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
            if (hedging == null && (hedgedMethodsSet || hedgingExecutor != null)) {
                throw new IllegalStateException((hedgedMethodsSet ? "hedgedMethods(" + hedgedMethods + ")" : "hedgingExecutor(...)")
                        + " was set without hedging(...) (expected: both, or neither)");
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
