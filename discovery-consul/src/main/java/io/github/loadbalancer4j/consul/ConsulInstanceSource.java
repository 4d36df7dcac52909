package io.github.loadbalancer4j.consul;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.AbstractInstanceSource;
import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.consul.internal.HealthQuery;
import io.github.loadbalancer4j.consul.internal.HealthWatch;
import io.github.loadbalancer4j.internal.DaemonThreads;
import io.github.loadbalancer4j.internal.Durations;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * The healthy instances of a service registered in Consul, followed with blocking queries on
 * Consul's HTTP health API ({@code /v1/health/service/<name>?passing}) over OkHttp, without a Consul
 * client library.
 *
 * <pre>{@code
 * ConsulInstanceSource orders = ConsulInstanceSource.builder("orders")
 *         .address("http://127.0.0.1:8500")
 *         .token(consulToken)
 *         .build();
 * LoadBalancer lb = LoadBalancer.of("orders", orders);
 * }</pre>
 *
 * <p>{@link Builder#build()} reads the instances once, without blocking, on the calling thread; then
 * the source's own daemon thread sends blocking queries ({@code index}, {@code wait}) that Consul
 * holds until the service's instances or their health change, so changes arrive within milliseconds.
 * It keeps the rules of Consul's "Blocking Queries" page: an index that goes backwards resets the loop
 * to a read that does not block; an index of 0 is never waited on (1 is); and a token bucket (2 at
 * once, then one query per 15 s by default) keeps a churning answer from becoming a busy loop.
 * Entries become instances through a {@link ConsulInstanceMapper} ({@link ConsulInstanceMapper#standard()}
 * by default: the service's address or else its node's, the port, zone, weight and metadata from
 * {@code Service.Meta}, tags and {@code Service.Weights}).
 *
 * <p>Failures never empty the list: when Consul cannot be reached, times out, answers with an error
 * status or a body that is not a list of entries, the last good list stays, a
 * {@link ConsulDiscoveryException} is reported, and the next query waits for a backoff (exponential
 * from 1 s to 60 s by default, with jitter). The first answer after a failure is delivered even when
 * unchanged, so listeners learn that discovery is back. An entry that cannot be read is skipped and
 * reported as an {@link UnreadableConsulEntryException}; the other instances are applied. An empty
 * answer (no healthy instance) is applied.
 *
 * <p>{@link #close()} cancels the query in flight (it returns at once, mid-wait) and returns once the
 * source's thread is gone. A client given with {@link Builder#client(OkHttpClient)} stays open; the
 * client the source made itself is shut down (its dispatcher's threads ended, its connections closed).
 */
public final class ConsulInstanceSource extends AbstractInstanceSource {

    /** Consul's HTTP address when none is given: the local agent. */
    public static final String DEFAULT_ADDRESS = "http://127.0.0.1:8500";

    /**
     * How long Consul holds a blocking query when nothing changes, by default: under the 60 s idle
     * timeout of many proxies and load balancers that may stand in front of Consul.
     */
    public static final Duration DEFAULT_WAIT_TIME = Duration.ofSeconds(55);

    /** The longest wait Consul accepts. */
    public static final Duration MAX_WAIT_TIME = Duration.ofMinutes(10);

    /** How much longer than the wait one query may take (and the connect timeout of the source's own client). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** Queries the rate limit lets through at once, by default (Consul's page suggests a burst of 2). */
    public static final int DEFAULT_RATE_LIMIT_BURST = 2;

    /** One more query per this interval once the burst is spent, by default (the rate Consul's page suggests). */
    public static final Duration DEFAULT_RATE_LIMIT_INTERVAL = Duration.ofSeconds(15);

    /** The ceiling of the first wait after a failure, by default. */
    public static final Duration DEFAULT_BACKOFF_INITIAL = Duration.ofSeconds(1);

    /** The largest wait after failures in a row, by default. */
    public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(60);

    private static final AtomicInteger SOURCES = new AtomicInteger();
    private static final Duration JOIN_BOUND = Duration.ofSeconds(5);

    private final String serviceName;
    private final HealthQuery query;
    private final HealthWatch watch;
    private final ScheduledExecutorService scheduler;
    private final @Nullable DaemonThreads schedulerThreads;
    private final @Nullable OkHttpClient ownClient;
    private final @Nullable DaemonThreads ownClientThreads;
    private final Object closeLock = new Object();
    private boolean closed;

    private ConsulInstanceSource(Builder b, HealthQuery query, OkHttpClient client, ScheduledExecutorService scheduler,
            @Nullable DaemonThreads schedulerThreads, LongSupplier ticker, @Nullable OkHttpClient ownClient,
            @Nullable DaemonThreads ownClientThreads) {
        super(List.of());
        this.serviceName = b.serviceName;
        this.query = query;
        this.scheduler = scheduler;
        this.schedulerThreads = schedulerThreads;
        this.ownClient = ownClient;
        this.ownClientThreads = ownClientThreads;
        this.watch = new HealthWatch(client, query, b.mapper, scheduler, ticker, b.rateLimitBurst,
                b.rateLimitInterval.toNanos(), b.backoffInitial.toNanos(), b.backoffMax.toNanos(), new HealthWatch.Sink() {
                    @Override
                    public void instances(List<ServiceInstance> instances) {
                        publish(instances);
                    }

                    @Override
                    public void failure(ConsulDiscoveryException failure) {
                        publishFailure(failure);
                    }

                    @Override
                    public int currentSize() {
                        return ConsulInstanceSource.this.instances().size();
                    }
                });
    }

    /**
     * Starts a builder for the source of one service.
     *
     * @param serviceName the name the service is registered under in Consul, e.g. {@code orders}
     * @return a builder
     * @throws IllegalArgumentException if the name is blank or contains '/'
     */
    public static Builder builder(String serviceName) {
        return new Builder(serviceName);
    }

    /** @return the service's name */
    public String serviceName() {
        return serviceName;
    }

    /**
     * The entries of the last answer that could not be read, one {@link UnreadableConsulEntryException}
     * each: a listener that subscribes is told of them after the list.
     *
     * @return the failures of the entries unreadable now
     */
    @Override
    protected List<UnreadableConsulEntryException> standingFailures() {
        return watch.currentUnreadable();
    }

    /**
     * Stops following Consul: cancels the query in flight (a blocking query returns at once), ends the
     * source's thread and, when the source made its own OkHttp client, that client's dispatcher threads
     * and connections. Returns once those threads are gone. A client given to the builder stays open.
     * The last list stays readable. Closing again does nothing.
     */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            watch.close();
            if (schedulerThreads != null) {
                schedulerThreads.shutdownAndJoin(scheduler, true, JOIN_BOUND);
            }
            if (ownClient != null && ownClientThreads != null) {
                ownClientThreads.shutdownAndJoin(ownClient.dispatcher().executorService(), true, JOIN_BOUND);
                ownClient.connectionPool().evictAll();
            }
        } finally {
            super.close();
        }
    }

    @Override
    public String toString() {
        return "ConsulInstanceSource{" + query.describe() + ", " + instances() + "}";
    }

    /**
     * Builds a {@link ConsulInstanceSource}. Every setter checks its argument at once; {@link #build()}
     * checks the settings together.
     */
    public static final class Builder {
        private final String serviceName;
        private HttpUrl address = requireNonNull(HttpUrl.parse(DEFAULT_ADDRESS));
        private @Nullable OkHttpClient client;
        private @Nullable String token;
        private @Nullable String datacenter;
        private @Nullable String namespace;
        private @Nullable String filter;
        private ConsulInstanceMapper mapper = ConsulInstanceMapper.standard();
        private Duration waitTime = DEFAULT_WAIT_TIME;
        private Duration timeout = DEFAULT_TIMEOUT;
        private int rateLimitBurst = DEFAULT_RATE_LIMIT_BURST;
        private Duration rateLimitInterval = DEFAULT_RATE_LIMIT_INTERVAL;
        private Duration backoffInitial = DEFAULT_BACKOFF_INITIAL;
        private Duration backoffMax = DEFAULT_BACKOFF_MAX;
        private @Nullable ScheduledExecutorService scheduler;
        private @Nullable LongSupplier ticker;

        private Builder(String serviceName) {
            requireNonNull(serviceName, "serviceName");
            if (serviceName.isBlank() || serviceName.indexOf('/') >= 0) {
                throw new IllegalArgumentException("serviceName: '" + serviceName + "' (expected: a non-blank name without '/')");
            }
            this.serviceName = serviceName;
        }

        /**
         * Sets Consul's HTTP address: an agent's (the usual setup) or a server's.
         *
         * @param address an http or https URL, e.g. {@code http://127.0.0.1:8500} or
         *     {@code https://consul.example:8501}, with a path prefix if a proxy needs one; default
         *     {@value ConsulInstanceSource#DEFAULT_ADDRESS}
         * @return this builder
         * @throws IllegalArgumentException if the text is not such a URL, or has a query or fragment
         */
        public Builder address(String address) {
            requireNonNull(address, "address");
            HttpUrl url = HttpUrl.parse(address.trim());
            if (url == null || url.query() != null || url.fragment() != null || !url.username().isEmpty()) {
                throw new IllegalArgumentException("address: '" + address
                        + "' (expected: an http or https URL such as http://127.0.0.1:8500, without query, fragment or user)");
            }
            this.address = url;
            return this;
        }

        /**
         * Sends the queries with a client the application owns (its connection pool, TLS settings,
         * proxy, interceptors); {@link ConsulInstanceSource#close()} leaves it open. The source uses a
         * client derived with {@link OkHttpClient#newBuilder()} (same pool and dispatcher, no new
         * threads) whose read timeout fits the blocking wait, and bounds each query with its own call
         * timeout. Without this the source makes a client of its own and shuts it down on close.
         *
         * @param client the client
         * @return this builder
         */
        public Builder client(OkHttpClient client) {
            this.client = requireNonNull(client, "client");
            return this;
        }

        /**
         * Sets the ACL token, sent in the {@code X-Consul-Token} header of every query. It is never
         * logged nor put in an exception message or {@code toString()}; a logging interceptor on a
         * client you give should redact that header.
         *
         * @param token the token's secret ID; it needs {@code service:read} on the service and
         *     {@code node:read} on its nodes
         * @return this builder
         * @throws IllegalArgumentException if the token is blank or holds characters an HTTP header
         *     cannot carry (the message does not repeat the token)
         */
        public Builder token(String token) {
            requireNonNull(token, "token");
            boolean visibleAscii = !token.isEmpty();
            for (int i = 0; i < token.length() && visibleAscii; i++) {
                char c = token.charAt(i);
                visibleAscii = c > ' ' && c < 0x7f;
            }
            if (!visibleAscii) {
                throw new IllegalArgumentException("token: (" + token.length()
                        + " characters, not shown) (expected: a non-blank token of visible ASCII characters)");
            }
            this.token = token;
            return this;
        }

        /**
         * Sets the datacenter to ask ({@code dc}).
         *
         * @param datacenter a datacenter name; default: the datacenter of the agent asked
         * @return this builder
         * @throws IllegalArgumentException if the name is blank or holds whitespace or '/'
         */
        public Builder datacenter(String datacenter) {
            this.datacenter = checkName(datacenter, "datacenter", "a datacenter name such as dc1");
            return this;
        }

        /**
         * Sets the namespace of the service ({@code ns}; Consul Enterprise).
         *
         * @param namespace a namespace name; default: the namespace of the token, else {@code default}
         * @return this builder
         * @throws IllegalArgumentException if the name is blank or holds whitespace or '/'
         */
        public Builder namespace(String namespace) {
            this.namespace = checkName(namespace, "namespace", "a namespace name such as team-a");
            return this;
        }

        /**
         * Sets a filter expression Consul applies to the entries before answering ({@code filter}),
         * e.g. {@code Service.Tags contains "v2"} or {@code Service.Meta.version == "2"}.
         *
         * @param filter a non-blank expression in Consul's filtering language; default none
         * @return this builder
         * @throws IllegalArgumentException if the expression is blank
         */
        public Builder filter(String filter) {
            requireNonNull(filter, "filter");
            if (filter.isBlank()) {
                throw new IllegalArgumentException("filter: '" + filter + "' (expected: a non-blank filter expression)");
            }
            this.filter = filter;
            return this;
        }

        /**
         * Sets how entries become instances.
         *
         * @param mapper the mapper; default {@link ConsulInstanceMapper#standard()}
         * @return this builder
         */
        public Builder mapper(ConsulInstanceMapper mapper) {
            this.mapper = requireNonNull(mapper, "mapper");
            return this;
        }

        /**
         * Sets how long Consul holds a blocking query when nothing changes (its {@code wait} parameter).
         *
         * @param waitTime 1 ms to 10 min, whole milliseconds; default 55 s
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder waitTime(Duration waitTime) {
            requireNonNull(waitTime, "waitTime");
            if (waitTime.toMillis() < 1 || waitTime.compareTo(MAX_WAIT_TIME) > 0 || waitTime.toNanos() % 1_000_000 != 0) {
                throw new IllegalArgumentException("waitTime: " + waitTime
                        + " (expected: 1 ms to 10 min in whole milliseconds, Consul's range)");
            }
            this.waitTime = waitTime;
            return this;
        }

        /**
         * Sets how much longer than the wait one query may take before it counts as failed (a query that
         * does not block gets this much in all); also the connect timeout of the source's own client.
         *
         * @param timeout {@code > 0}, whole milliseconds; default 10 s
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder timeout(Duration timeout) {
            requireNonNull(timeout, "timeout");
            if (timeout.toMillis() < 1 || timeout.toNanos() % 1_000_000 != 0 || timeout.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("timeout: " + timeout + " (expected: 1 ms to 1 day in whole milliseconds)");
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * Sets the rate limit of the query loop, a token bucket: {@code burst} queries may go at once,
         * then one per {@code interval}. While Consul's answers come rarely it never delays a query; when
         * they churn (many changes, or an index that does not block) the loop slows to one query per
         * interval instead of a busy loop.
         *
         * @param interval {@code >= 0}; 0 turns the limit off; default 15 s
         * @param burst {@code >= 1}; default 2
         * @return this builder
         * @throws IllegalArgumentException if the interval is negative or the burst below 1
         */
        public Builder rateLimit(Duration interval, int burst) {
            requireNonNull(interval, "interval");
            Durations.requireNonNegative("rateLimit interval", interval);
            if (burst < 1) {
                throw new IllegalArgumentException("rateLimit burst: " + burst + " (expected: >= 1)");
            }
            this.rateLimitInterval = interval;
            this.rateLimitBurst = burst;
            return this;
        }

        /**
         * Sets the backoff after failed queries: the wait before the next query is drawn between half
         * and all of {@code initial}, doubled for every further failure in a row up to {@code max}.
         *
         * @param initial {@code > 0}; default 1 s
         * @param max {@code >= initial}; default 60 s
         * @return this builder
         * @throws IllegalArgumentException if initial is not positive or max is below it
         */
        public Builder backoff(Duration initial, Duration max) {
            requireNonNull(initial, "initial");
            requireNonNull(max, "max");
            Durations.requirePositive("backoff initial", initial);
            if (max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("backoff max: " + max + " (expected: >= initial: " + initial + ")");
            }
            this.backoffInitial = initial;
            this.backoffMax = max;
            return this;
        }

        /** For tests: steps of the loop on this scheduler, rate limit in this time; the scheduler is not shut down. */
        Builder scheduler(ScheduledExecutorService scheduler, LongSupplier ticker) {
            this.scheduler = requireNonNull(scheduler, "scheduler");
            this.ticker = requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * Builds the source, reads the instances once on the calling thread (a read that does not block,
         * bounded by the timeout), and starts following changes on the source's own daemon thread. When
         * that first read fails the source starts empty, the failure is reported to listeners (and so named
         * by a load balancer that has no instance), and the loop keeps trying after the backoff.
         *
         * @return the running source; close it to stop its thread
         */
        public ConsulInstanceSource build() {
            int n = SOURCES.incrementAndGet();
            String threadName = "loadbalancer4j-consul-" + serviceName + "-" + n;
            HealthQuery query = new HealthQuery(address, serviceName, token, datacenter, namespace, filter, waitTime, timeout);
            OkHttpClient own = null;
            DaemonThreads ownThreads = null;
            OkHttpClient base;
            if (client != null) {
                base = client;
            } else {
                ownThreads = DaemonThreads.numbered(threadName + "-okhttp");
                ExecutorService dispatcherExecutor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
                        new SynchronousQueue<>(), ownThreads);
                own = new OkHttpClient.Builder()
                        .dispatcher(new Dispatcher(dispatcherExecutor))
                        .connectionPool(new ConnectionPool(1, 5, TimeUnit.MINUTES))
                        .connectTimeout(timeout)
                        .build();
                base = own;
            }
            // The per-call timeout bounds each query; the read timeout must only not cut a blocking query short.
            OkHttpClient used = base.newBuilder()
                    .readTimeout(Duration.ofMillis(query.longestReadMillis()))
                    .callTimeout(Duration.ZERO)
                    .build();
            ScheduledExecutorService s;
            DaemonThreads sThreads;
            LongSupplier t;
            if (scheduler != null && ticker != null) {
                s = scheduler;
                sThreads = null;
                t = ticker;
            } else {
                sThreads = DaemonThreads.named(threadName);
                s = Executors.newSingleThreadScheduledExecutor(sThreads);
                t = System::nanoTime;
            }
            ConsulInstanceSource source = new ConsulInstanceSource(this, query, used, s, sThreads, t, own, ownThreads);
            try {
                source.watch.start();
            } catch (RuntimeException e) {
                source.close();
                throw e;
            }
            return source;
        }

        private static String checkName(String value, String field, String example) {
            requireNonNull(value, field);
            boolean ok = !value.isBlank();
            for (int i = 0; i < value.length() && ok; i++) {
                char c = value.charAt(i);
                ok = !Character.isWhitespace(c) && c != '/' && !Character.isISOControl(c);
            }
            if (!ok) {
                throw new IllegalArgumentException(field + ": '" + value + "' (expected: " + example
                        + ", without whitespace or '/')");
            }
            return value;
        }
    }
}
