package io.github.loadbalancer4j.okhttp.internal;

import io.github.loadbalancer4j.ServiceInstance;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import okhttp3.HttpUrl;

/**
 * Rewrites an http URL to an instance's host and port. {@code HttpUrl.Builder.host(...)}
 * canonicalizes the host on every call (about 1 µs, most of the interceptor's own cost), so each
 * instance's {@code http://host:port/} is built once and the request's path and query are put on it.
 *
 * <p>Bounded: when more than {@value #MAX_ENTRIES} instances were seen (discovery churning through
 * addresses), the cache starts again. Thread-safe.
 *
 * <p>Public for the loadbalancer4j modules; not API.
 */
public final class InstanceUrls {

    static final int MAX_ENTRIES = 1024;

    private final ConcurrentHashMap<ServiceInstance, Base> bases = new ConcurrentHashMap<>();
    private final Function<ServiceInstance, HttpUrl> baseOf;

    /** Builds each instance's {@code http://host:port/} with OkHttp's {@code HttpUrl.Builder}. */
    public InstanceUrls() {
        this(instance -> new HttpUrl.Builder().scheme("http").host(instance.host()).port(instance.port()).build());
    }

    /** For tests: {@code baseOf} builds an instance's base URL, and may fail as OkHttp can. */
    InstanceUrls(Function<ServiceInstance, HttpUrl> baseOf) {
        this.baseOf = baseOf;
    }

    /**
     * @param url the request's http URL, with the logical host
     * @param instance the instance to send it to
     * @return the same URL with the instance's host and port
     */
    public HttpUrl rewrite(HttpUrl url, ServiceInstance instance) {
        Base base = bases.get(instance);
        // Equality is by id: an instance that kept its id but moved gets a new base.
        if (base == null || base.port != instance.port() || !base.host.equals(instance.host())) {
            if (bases.size() >= MAX_ENTRIES) {
                bases.clear();
            }
            base = new Base(instance, baseOf.apply(instance));
            bases.put(instance, base);
        }
        HttpUrl.Builder b = base.url.newBuilder().encodedPath(url.encodedPath()).encodedQuery(url.encodedQuery());
        if (!url.encodedUsername().isEmpty()) {
            b.encodedUsername(url.encodedUsername());
        }
        if (!url.encodedPassword().isEmpty()) {
            b.encodedPassword(url.encodedPassword());
        }
        String fragment = url.encodedFragment();
        if (fragment != null) {
            b.encodedFragment(fragment);
        }
        return b.build();
    }

    int size() {
        return bases.size();
    }

    /** An instance's {@code http://host:port/}, with the host and port it was built from. */
    private static final class Base {
        final String host;
        final int port;
        final HttpUrl url;

        Base(ServiceInstance instance, HttpUrl url) {
            this.host = instance.host();
            this.port = instance.port();
            this.url = url;
        }
    }
}
