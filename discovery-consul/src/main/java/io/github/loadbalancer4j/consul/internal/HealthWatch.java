package io.github.loadbalancer4j.consul.internal;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.consul.ConsulDiscoveryException;
import io.github.loadbalancer4j.consul.ConsulInstanceMapper;
import io.github.loadbalancer4j.consul.UnreadableConsulEntryException;
import io.github.loadbalancer4j.internal.SameInstances;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The blocking-query loop of one service. Each step sends one query on the calling thread (the
 * caller of {@link #start()} for the first, then the scheduler's thread), reads the answer, and
 * schedules the next step: at once after an answer, after the backoff after a failure, and never
 * faster than the rate limit allows. Steps never overlap: each is scheduled by the one before it.
 *
 * <p>What it does with each outcome:
 * <ul>
 *   <li>an answer: the index for the next query follows {@link BlockingIndex}; the instances are
 *       delivered when they differ from the last delivered, or when they are the first after a
 *       failure (so listeners learn that discovery is back); entries that cannot be read are skipped
 *       and each is reported once, when it first appears;</li>
 *   <li>a failure (no connection, a timeout, a status other than 200, a body that is not a list):
 *       nothing is delivered but the failure, the index is reset so that the next query reads at
 *       once instead of blocking (recovery shows without waiting for a change), and the next query
 *       waits for the backoff.</li>
 * </ul>
 * {@link #close()} cancels the query in flight (a blocking query returns at once) and the next step.
 */
public final class HealthWatch implements AutoCloseable {

    /** Where the loop delivers what it learns. */
    public interface Sink {
        /**
         * A new whole list.
         *
         * @param instances the readable instances, sorted by id
         */
        void instances(List<ServiceInstance> instances);

        /**
         * A failure: Consul unreachable or answering badly, or one entry unreadable.
         *
         * @param failure what happened
         */
        void failure(ConsulDiscoveryException failure);

        /** @return how many instances the source holds now, for messages */
        int currentSize();
    }

    private static final Logger LOG = LoggerFactory.getLogger(HealthWatch.class);
    private static final int BODY_PREVIEW = 200;

    private final OkHttpClient client;
    private final HealthQuery query;
    private final ConsulInstanceMapper mapper;
    private final ScheduledExecutorService scheduler;
    private final TokenBucket rateLimit;
    private final Backoff backoff;
    private final Sink sink;

    private final Object lock = new Object();
    // Guarded by lock.
    private @Nullable Call inFlight;
    private @Nullable ScheduledFuture<?> next;
    private boolean closed;

    // Loop state: touched by one step at a time, each step scheduled by the one before it.
    private long index = BlockingIndex.NONE;
    private boolean failing;
    private boolean filteredByAcls;
    private boolean warnedIndexMissing;
    private @Nullable List<ServiceInstance> lastDelivered;
    private Set<String> reported = Set.of();
    private volatile List<UnreadableConsulEntryException> unreadable = List.of();

    /**
     * Creates the loop; nothing is sent before {@link #start()}.
     *
     * @param client sends the queries; its read timeout must allow {@link HealthQuery#longestReadMillis()}
     * @param query the query
     * @param mapper maps entries to instances
     * @param scheduler runs the steps after the first
     * @param ticker nanosecond time, for the rate limit
     * @param rateLimitBurst queries that may go at once
     * @param rateLimitIntervalNanos one more query per interval after the burst; 0 for no limit
     * @param backoffInitialNanos the ceiling of the first wait after a failure
     * @param backoffMaxNanos the largest wait after failures
     * @param sink receives lists and failures
     */
    public HealthWatch(OkHttpClient client, HealthQuery query, ConsulInstanceMapper mapper, ScheduledExecutorService scheduler,
            LongSupplier ticker, int rateLimitBurst, long rateLimitIntervalNanos, long backoffInitialNanos,
            long backoffMaxNanos, Sink sink) {
        this.client = requireNonNull(client, "client");
        this.query = requireNonNull(query, "query");
        this.mapper = requireNonNull(mapper, "mapper");
        this.scheduler = requireNonNull(scheduler, "scheduler");
        this.rateLimit = new TokenBucket(rateLimitBurst, rateLimitIntervalNanos, ticker);
        this.backoff = new Backoff(backoffInitialNanos, backoffMaxNanos, () -> ThreadLocalRandom.current().nextDouble());
        this.sink = requireNonNull(sink, "sink");
    }

    /** Sends the first query (it does not block) on the calling thread, delivers its outcome, and starts the loop. */
    public void start() {
        step();
    }

    /** @return the failures of the entries that are unreadable in the last answer, for listeners that subscribe later */
    public List<UnreadableConsulEntryException> currentUnreadable() {
        return unreadable;
    }

    private void step() {
        long wait = rateLimit.tryTake();
        if (wait > 0) {
            schedule(wait);
            return;
        }
        long sent = index;
        long delay;
        try {
            delay = query(sent);
        } catch (RuntimeException e) {
            // Nothing may end the loop but close(): a bug here is logged and the loop goes on after a backoff.
            LOG.warn("Consul discovery of '{}' failed unexpectedly", query.serviceName(), e);
            index = BlockingIndex.NONE;
            delay = backoff.nextDelayNanos();
        }
        if (delay >= 0) {
            schedule(delay);
        }
    }

    /** Sends one query and handles its outcome; returns the delay before the next step, or -1 when closed. */
    private long query(long sent) {
        Call call = client.newCall(query.request(sent));
        call.timeout().timeout(query.callTimeoutMillis(sent), TimeUnit.MILLISECONDS);
        synchronized (lock) {
            if (closed) {
                return -1;
            }
            inFlight = call;
        }
        HealthAnswer answer;
        try (Response response = call.execute()) {
            answer = read(response);
        } catch (IOException e) {
            return isClosed() ? -1 : failed(-1, "failed: " + e, e);
        } catch (QueryFailure e) {
            return isClosed() ? -1 : failed(e.status, e.getMessage(), null);
        } finally {
            synchronized (lock) {
                inFlight = null;
            }
        }
        if (isClosed()) {
            return -1;
        }
        answered(sent, answer);
        return 0;
    }

    private HealthAnswer read(Response response) throws IOException, QueryFailure {
        ResponseBody body = response.body();
        if (response.code() != 200) {
            throw new QueryFailure(response.code(), "answered HTTP " + response.code() + " '" + preview(body.bytes()) + "'");
        }
        byte[] bytes = body.bytes();
        try {
            return HealthAnswer.read(query.serviceName(), response.header("X-Consul-Index"),
                    response.header("X-Consul-Results-Filtered-By-ACLs"), bytes, mapper);
        } catch (HealthAnswer.NotAListException e) {
            throw new QueryFailure(200, "answered with a body that is not a JSON array of health entries: " + e.getMessage()
                    + "; body: '" + preview(bytes) + "'");
        }
    }

    private void answered(long sent, HealthAnswer answer) {
        if (answer.indexMissing() && !warnedIndexMissing) {
            warnedIndexMissing = true;
            LOG.warn("Consul's answer for '{}' at {} has no X-Consul-Index header (a proxy dropping it?); blocking on index 1,"
                    + " rate-limited", query.serviceName(), query.describe());
        }
        index = BlockingIndex.next(sent, answer.index());
        backoff.reset();
        List<ServiceInstance> instances = answer.instances();
        if (failing || lastDelivered == null || !SameInstances.same(instances, lastDelivered)) {
            lastDelivered = instances;
            sink.instances(instances);
        }
        failing = false;
        Map<String, UnreadableConsulEntryException> bad = answer.unreadable();
        unreadable = List.copyOf(bad.values());
        bad.forEach((text, failure) -> {
            if (!reported.contains(text)) {
                sink.failure(failure);
            }
        });
        reported = Set.copyOf(bad.keySet());
        if (answer.filteredByAcls() && !filteredByAcls) {
            sink.failure(new ConsulDiscoveryException(query.serviceName(), 200, "Consul's ACLs left entries of service '"
                    + query.serviceName() + "' out of its answer at " + query.describe()
                    + " (expected: a token with service:read on the service and node:read on its nodes)", null));
        }
        filteredByAcls = answer.filteredByAcls();
    }

    private long failed(int status, String what, @Nullable Throwable cause) {
        failing = true;
        index = BlockingIndex.NONE;
        long delay = backoff.nextDelayNanos();
        String message = "Consul query for service '" + query.serviceName() + "' at " + query.describe() + " " + what
                + "; keeping the last " + sink.currentSize() + " instances, next try in " + TimeUnit.NANOSECONDS.toMillis(delay)
                + " ms (failure " + backoff.failures() + " in a row)";
        sink.failure(new ConsulDiscoveryException(query.serviceName(), status, query.redact(message), cause));
        return delay;
    }

    private String preview(byte[] bytes) {
        String text = new String(bytes, 0, Math.min(bytes.length, BODY_PREVIEW * 4), StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < text.length() && sb.length() < BODY_PREVIEW; i++) {
            char c = text.charAt(i);
            sb.append(Character.isISOControl(c) ? ' ' : c);
        }
        if (text.length() > BODY_PREVIEW) {
            sb.append("...");
        }
        return query.redact(sb.toString().trim());
    }

    private void schedule(long delayNanos) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            try {
                next = scheduler.schedule(this::step, delayNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                LOG.debug("Consul discovery of '{}' stopped: its scheduler refused the next query", query.serviceName());
            }
        }
    }

    private boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    /** Stops the loop: cancels the query in flight (it returns at once) and the next step. Closing again does nothing. */
    @Override
    public void close() {
        Call call;
        ScheduledFuture<?> pending;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            call = inFlight;
            pending = next;
        }
        if (call != null) {
            call.cancel();
        }
        if (pending != null) {
            pending.cancel(false);
        }
    }

    @Override
    public String toString() {
        return "HealthWatch{" + query + "}";
    }

    /** A query that got an answer other than a list of entries. */
    private static final class QueryFailure extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        QueryFailure(int status, String message) {
            super(message);
            this.status = status;
        }
    }
}
