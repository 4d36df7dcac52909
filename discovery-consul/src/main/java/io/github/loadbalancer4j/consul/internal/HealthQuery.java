package io.github.loadbalancer4j.consul.internal;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import okhttp3.HttpUrl;
import okhttp3.Request;
import org.jspecify.annotations.Nullable;

/**
 * The query for one service's healthy instances: {@code GET <address>/v1/health/service/<name>?passing}
 * with the datacenter, namespace and filter options, the blocking parameters {@code index} and
 * {@code wait}, and the ACL token in the {@code X-Consul-Token} header. The token appears nowhere
 * else: not in the URL, not in {@link #describe()}, not in {@link #toString()}.
 */
public final class HealthQuery {

    /** The header Consul reads the ACL token from. */
    public static final String TOKEN_HEADER = "X-Consul-Token";

    private final String serviceName;
    private final HttpUrl url;
    private final @Nullable String token;
    private final long waitMillis;
    private final long timeoutMillis;

    /**
     * Creates the query.
     *
     * @param address Consul's HTTP address, e.g. {@code http://127.0.0.1:8500}, possibly with a path prefix
     * @param serviceName the service
     * @param token the ACL token, or null to send none
     * @param datacenter the {@code dc} parameter, or null for the agent's datacenter
     * @param namespace the {@code ns} parameter (Consul Enterprise), or null for the token's default
     * @param filter the {@code filter} expression, or null for none
     * @param wait the {@code wait} of each blocking query
     * @param timeout how much longer than {@code wait} one query may take
     */
    public HealthQuery(HttpUrl address, String serviceName, @Nullable String token, @Nullable String datacenter,
            @Nullable String namespace, @Nullable String filter, Duration wait, Duration timeout) {
        this.serviceName = requireNonNull(serviceName, "serviceName");
        HttpUrl.Builder b = address.newBuilder()
                .addPathSegments("v1/health/service")
                .addPathSegment(serviceName)
                .addQueryParameter("passing", null);
        if (datacenter != null) {
            b.addQueryParameter("dc", datacenter);
        }
        if (namespace != null) {
            b.addQueryParameter("ns", namespace);
        }
        if (filter != null) {
            b.addQueryParameter("filter", filter);
        }
        this.url = b.build();
        this.token = token;
        this.waitMillis = wait.toMillis();
        this.timeoutMillis = timeout.toMillis();
    }

    /**
     * Builds the request.
     *
     * @param index the index to wait on; 0 for a read that does not block (no {@code index} nor {@code wait})
     * @return the request
     */
    public Request request(long index) {
        HttpUrl target = url;
        if (index != BlockingIndex.NONE) {
            target = url.newBuilder()
                    .addQueryParameter("index", Long.toUnsignedString(index))
                    .addQueryParameter("wait", formatWait(waitMillis))
                    .build();
        }
        Request.Builder request = new Request.Builder().url(target).header("Accept", "application/json");
        if (token != null) {
            request.header(TOKEN_HEADER, token);
        }
        return request.build();
    }

    /**
     * How long one query may take in all: the timeout, plus for a blocking query the wait and the up to
     * {@code wait / 16} Consul adds to spread wake-ups.
     *
     * @param index the index the query is sent with
     * @return the bound in milliseconds
     */
    public long callTimeoutMillis(long index) {
        return index == BlockingIndex.NONE ? timeoutMillis : longestReadMillis();
    }

    /** @return the longest a blocking query's answer may take to come: wait + wait / 16 + timeout */
    public long longestReadMillis() {
        return waitMillis + waitMillis / 16 + timeoutMillis;
    }

    /** @return the service */
    public String serviceName() {
        return serviceName;
    }

    /** @return the query's URL without {@code index} and {@code wait}, for messages (no token in it) */
    public String describe() {
        return url.toString();
    }

    /**
     * Removes the token from a text that came from elsewhere (an error body), in case it echoes it.
     *
     * @param text the text
     * @return the text with every occurrence of the token replaced
     */
    public String redact(String text) {
        return token == null || token.isEmpty() ? text : text.replace(token, "<redacted>");
    }

    /**
     * Formats a wait as Consul (Go's {@code time.ParseDuration}) reads it.
     *
     * @param millis the wait, {@code >= 1}
     * @return e.g. {@code 55s} or {@code 1500ms}
     */
    static String formatWait(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    @Override
    public String toString() {
        return "HealthQuery{" + url + (token != null ? ", with token" : "") + ", wait=" + formatWait(waitMillis) + "}";
    }
}
