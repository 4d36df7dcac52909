package io.github.loadbalancer4j.dns;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.AbstractInstanceSource;
import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.dns.internal.AddressLookup;
import io.github.loadbalancer4j.dns.internal.DnsQuerier;
import io.github.loadbalancer4j.dns.internal.InstanceLookup;
import io.github.loadbalancer4j.dns.internal.SrvLookup;
import io.github.loadbalancer4j.internal.DaemonThreads;
import io.github.loadbalancer4j.internal.Durations;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Address;
import org.xbill.DNS.Name;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.TextParseException;

/**
 * An {@link InstanceSource} fed by DNS: the A and AAAA records of a host name (one instance per
 * address, on a port you give), or the SRV records of a service name (one instance per record of
 * the lowest priority group, with the record's target, port and weight).
 *
 * <pre>{@code
 * DnsInstanceSource source = DnsInstanceSource.forSrv("_http._tcp.orders.svc.cluster.local")
 *         .resolver("10.96.0.10:53")
 *         .interval(Duration.ofSeconds(5))
 *         .build();
 * LoadBalancer orders = LoadBalancer.of("orders", source);
 * }</pre>
 *
 * <p>The source asks its own DNS server directly on its own daemon thread, once in {@link Builder#build()}
 * and then every interval (default 5 s), whatever the JVM's DNS cache ({@code networkaddress.cache.ttl})
 * and the records' TTLs say: nothing is cached. What it does with each answer:
 * <ul>
 *   <li>records: applied as the new list (only when it differs from the last one);</li>
 *   <li>{@code NXDOMAIN} (the name does not exist) or no records of the type: an empty list is applied;</li>
 *   <li>a timeout, an unreachable server, an error answer ({@code SERVFAIL}, {@code REFUSED}, ...), or
 *       a datagram that is no valid response to the query (the query echoed back, another id, opcode
 *       or question, bytes that do not parse): the last good list stays, and listeners get a {@link DnsLookupException} through
 *       {@link InstanceSource.Listener#onDiscoveryFailure(Throwable)} (a load balancer turns it into a
 *       {@code DISCOVERY_FAILED} event).</li>
 * </ul>
 * {@link #close()} stops the thread; the last list stays readable.
 */
public final class DnsInstanceSource extends AbstractInstanceSource {

    /** How often the name is resolved again when the builder sets no interval. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

    /** How long one DNS query waits for its answer when the builder sets no timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    private final InstanceLookup lookup;
    private final String server;
    private final Duration interval;
    private final Duration timeout;
    private final ScheduledExecutorService scheduler;
    private final DaemonThreads threads;
    private volatile boolean closed;
    // Read and written by one thread at a time: the builder's, then the scheduler's (ordered by the executor).
    private @Nullable List<ServiceInstance> lastPublished;
    private boolean lastLookupFailed;

    private DnsInstanceSource(Builder builder, InetSocketAddress resolver) {
        super(List.of());
        DnsQuerier querier = new DnsQuerier(resolver, builder.timeout);
        this.lookup = builder.lookupFactory.create(querier, builder);
        this.server = querier.server();
        this.interval = builder.interval;
        this.timeout = builder.timeout;
        this.threads = DaemonThreads.named("loadbalancer4j-dns-" + builder.name);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(threads);
        refresh();
        scheduler.scheduleWithFixedDelay(this::refresh, interval.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Starts a builder for a source of the A and AAAA records of {@code hostname}: one instance per
     * address (IPv4 first, each family in address order), all on {@code port}.
     *
     * @param hostname a DNS name such as {@code orders.svc.test}; taken as absolute (no search domains)
     * @param port the port of every instance, 1-65535
     * @return a builder
     * @throws IllegalArgumentException if the name is not a valid DNS name or the port is out of range
     */
    public static Builder forAddresses(String hostname, int port) {
        Name name = parseName("hostname", hostname);
        checkPort("port", port);
        return new Builder(hostname, false, (q, b) -> new AddressLookup(q, name, port, b.secure));
    }

    /**
     * Starts a builder for a source of the SRV records of {@code serviceName}: one instance per record
     * of the lowest priority group, with the record's target as host and its port and weight as the
     * instance's (a group whose weights are all 0 gets weight 1 each). Records with target {@code .}
     * are left out. {@link Builder#resolveTargets(boolean)} turns the targets into addresses.
     *
     * @param serviceName an SRV name such as {@code _http._tcp.orders.svc.test}; taken as absolute
     * @return a builder
     * @throws IllegalArgumentException if the name is not a valid DNS name
     */
    public static Builder forSrv(String serviceName) {
        Name name = parseName("serviceName", serviceName);
        return new Builder(serviceName, true, (q, b) -> new SrvLookup(q, name, b.secure, b.resolveTargets));
    }

    /**
     * Stops resolving and ends the source's thread (waiting briefly for it), then drops the
     * listeners. The last list stays readable. Closing again does nothing.
     */
    @Override
    public void close() {
        closed = true;
        threads.shutdownAndJoin(scheduler, true, timeout.plusSeconds(1));
        super.close();
    }

    @Override
    public String toString() {
        return "DnsInstanceSource{" + lookup.describe() + " at " + server + " every " + interval
                + (closed ? ", closed" : "") + ", instances=" + instances() + "}";
    }

    private void refresh() {
        List<ServiceInstance> found;
        try {
            found = lookup.lookup();
        } catch (DnsLookupException | RuntimeException e) {
            // A RuntimeException is caught too: an exception escaping would cancel the schedule for good.
            if (!closed) {
                lastLookupFailed = true;
                publishFailure(e);
            }
            return;
        }
        // After a failure the list is published even when unchanged: it tells listeners discovery is back.
        if (closed || (sameValues(found, lastPublished) && !lastLookupFailed)) {
            return;
        }
        lastLookupFailed = false;
        lastPublished = found;
        publish(found);
    }

    // ServiceInstance equality is by id only; a changed weight must still be published.
    private static boolean sameValues(List<ServiceInstance> a, @Nullable List<ServiceInstance> b) {
        if (b == null || a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            ServiceInstance x = a.get(i);
            ServiceInstance y = b.get(i);
            if (!x.id().equals(y.id()) || !x.host().equals(y.host()) || x.port() != y.port()
                    || x.weight() != y.weight() || x.secure() != y.secure()) {
                return false;
            }
        }
        return true;
    }

    private static Name parseName(String field, String value) {
        requireNonNull(value, field);
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + ": '" + value + "' (expected: a DNS name)");
        }
        try {
            return Name.fromString(value.trim(), Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException(
                    field + ": '" + value + "' (expected: a DNS name): " + e.getMessage(), e);
        }
    }

    private static void checkPort(String field, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(field + ": " + port + " (expected: 1-65535)");
        }
    }

    /**
     * Builds a {@link DnsInstanceSource}. Every setter checks its argument at once; {@link #build()}
     * checks the settings together.
     */
    public static final class Builder {

        private final String name;
        private final boolean srv;
        private final LookupFactory lookupFactory;
        private @Nullable InetSocketAddress resolver;
        private Duration interval = DEFAULT_INTERVAL;
        private Duration timeout = DEFAULT_TIMEOUT;
        private boolean secure;
        private boolean resolveTargets;

        private Builder(String name, boolean srv, LookupFactory lookupFactory) {
            this.name = name.trim();
            this.srv = srv;
            this.lookupFactory = lookupFactory;
        }

        /**
         * Sets the DNS server to ask. Default: the first name server of the system's configuration
         * ({@code /etc/resolv.conf} and the like), read when {@link #build()} runs.
         *
         * @param address the server's IP address and port
         * @return this builder
         * @throws IllegalArgumentException if the address is unresolved (a name, not an IP address) or its port is 0
         */
        public Builder resolver(InetSocketAddress address) {
            requireNonNull(address, "resolver");
            if (address.isUnresolved()) {
                throw new IllegalArgumentException("resolver: '" + address.getHostString() + ":" + address.getPort()
                        + "' (expected: an IP address, not a name that would itself need DNS)");
            }
            checkPort("resolver port", address.getPort());
            this.resolver = address;
            return this;
        }

        /**
         * Sets the DNS server to ask, as text.
         *
         * @param address an IP address with an optional port (default 53): {@code 10.96.0.10},
         *        {@code 127.0.0.1:15353}, {@code ::1}, {@code [::1]:15353}
         * @return this builder
         * @throws IllegalArgumentException if the text is not such an address, naming it
         */
        public Builder resolver(String address) {
            requireNonNull(address, "resolver");
            String text = address.trim();
            String host = text;
            String port = "53";
            if (text.startsWith("[")) {
                int end = text.indexOf(']');
                String rest = end < 0 ? "" : text.substring(end + 1);
                if (end < 0 || !(rest.isEmpty() || rest.startsWith(":"))) {
                    throw badResolver(address, null);
                }
                host = text.substring(1, end);
                port = rest.isEmpty() ? port : rest.substring(1);
            } else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
                host = text.substring(0, text.indexOf(':'));
                port = text.substring(text.indexOf(':') + 1);
            }
            InetAddress ip;
            int portNumber;
            try {
                ip = Address.getByAddress(host);
                portNumber = Integer.parseInt(port);
            } catch (UnknownHostException | NumberFormatException e) {
                throw badResolver(address, e);
            }
            if (portNumber < 1 || portNumber > 65535) {
                throw badResolver(address, null);
            }
            this.resolver = new InetSocketAddress(ip, portNumber);
            return this;
        }

        /**
         * Sets how long to wait after one lookup ends before the next begins.
         *
         * @param interval {@code > 0}; default {@link #DEFAULT_INTERVAL}
         * @return this builder
         * @throws IllegalArgumentException if the interval is zero or negative
         */
        public Builder interval(Duration interval) {
            this.interval = positive("interval", interval);
            return this;
        }

        /**
         * Sets how long one DNS query waits for its answer. A lookup sends one query (SRV) or two (A
         * and AAAA), plus one per CNAME that leads outside the answer.
         *
         * @param timeout {@code > 0} and shorter than the interval; default {@link #DEFAULT_TIMEOUT}
         * @return this builder
         * @throws IllegalArgumentException if the timeout is zero or negative
         */
        public Builder timeout(Duration timeout) {
            this.timeout = positive("timeout", timeout);
            return this;
        }

        /**
         * Sets whether the instances are called over https.
         *
         * @param secure true for https; default false (http)
         * @return this builder
         */
        public Builder secure(boolean secure) {
            this.secure = secure;
            return this;
        }

        /**
         * For SRV sources: resolves each target's A and AAAA records (from the same server, uncached,
         * in the same lookup) and makes one instance per address, with the record's port and weight,
         * instead of one instance per record named by its target. Use it when the client would
         * otherwise resolve the targets through the JVM's DNS cache; leave it off for https, where
         * the target name is what certificates are checked against.
         *
         * @param resolveTargets true for addresses; default false (target names)
         * @return this builder
         */
        public Builder resolveTargets(boolean resolveTargets) {
            this.resolveTargets = resolveTargets;
            return this;
        }

        /**
         * Builds the source, resolves once on the calling thread (so a load balancer built on it starts
         * with the current instances), and starts resolving every interval on its own daemon thread.
         * If that first lookup fails the source starts empty; the next lookups report their failures to
         * the listeners.
         *
         * @return the running source; close it to stop its thread
         * @throws IllegalStateException if the timeout is not shorter than the interval, or
         *         {@link #resolveTargets(boolean)} is set on an A/AAAA source
         */
        public DnsInstanceSource build() {
            if (resolveTargets && !srv) {
                throw new IllegalStateException("resolveTargets: true (expected: only with forSrv(...); '"
                        + name + "' is an A/AAAA source, whose answers are addresses already)");
            }
            if (timeout.compareTo(interval) >= 0) {
                throw new IllegalStateException("timeout: " + timeout + " (expected: shorter than interval: "
                        + interval + ")");
            }
            InetSocketAddress server = resolver != null ? resolver : ResolverConfig.getCurrentConfig().server();
            return new DnsInstanceSource(this, server);
        }

        private static Duration positive(String field, Duration value) {
            return Durations.requirePositive(field, value);
        }

        private static IllegalArgumentException badResolver(String address, @Nullable Exception cause) {
            return new IllegalArgumentException("resolver: '" + address
                    + "' (expected: an IP address with an optional port 1-65535, e.g. 127.0.0.1:53 or [::1]:53)", cause);
        }
    }

    @FunctionalInterface
    private interface LookupFactory {
        InstanceLookup create(DnsQuerier querier, Builder settings);
    }
}
