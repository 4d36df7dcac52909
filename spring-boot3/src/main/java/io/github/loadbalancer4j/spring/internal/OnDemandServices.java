package io.github.loadbalancer4j.spring.internal;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a host that no property names is a service the DiscoveryClient knows, so that it gets a
 * load balancer on demand. The list of known services is read at most once per interval (by the one
 * caller that finds it stale, while the others use the old one), so that requests to ordinary hosts
 * (an external API) do not each cost a call to the discovery server.
 *
 * <p>Public for the loadbalancer4j modules; not API.
 */
public final class OnDemandServices {

    private static final Logger LOG = LoggerFactory.getLogger(OnDemandServices.class);

    private final Supplier<? extends Collection<String>> services;
    private final long intervalNanos;
    private final LongSupplier ticker;
    private final Object readLock = new Object();
    private volatile Set<String> known = Set.of();
    private volatile long readAt;
    private volatile boolean everRead;

    /**
     * @param services lists the services discovery knows (may block; may throw)
     * @param interval how long a list is used before it is read again
     * @param ticker nanosecond time
     */
    public OnDemandServices(Supplier<? extends Collection<String>> services, Duration interval, LongSupplier ticker) {
        this.services = requireNonNull(services, "services");
        this.intervalNanos = requireNonNull(interval, "interval").toNanos();
        this.ticker = requireNonNull(ticker, "ticker");
    }

    /**
     * @param host a request's host
     * @return whether discovery lists a service of that name (case ignored)
     */
    public boolean isKnown(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        if (known.contains(name)) {
            return true;
        }
        if (everRead && ticker.getAsLong() - readAt < intervalNanos) {
            return false;
        }
        synchronized (readLock) {
            if (!everRead || ticker.getAsLong() - readAt >= intervalNanos) {
                try {
                    known = requireNonNull(services.get(), "services").stream()
                            .map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
                } catch (RuntimeException e) {
                    LOG.warn("Could not list the services of the DiscoveryClient; using the last list: {}", e.toString());
                }
                readAt = ticker.getAsLong();
                everRead = true;
            }
        }
        return known.contains(name);
    }
}
