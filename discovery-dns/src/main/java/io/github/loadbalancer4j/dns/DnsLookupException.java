package io.github.loadbalancer4j.dns;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * A DNS lookup that could not be answered: the server timed out, was unreachable, answered with
 * an error such as {@code SERVFAIL} or {@code REFUSED}, or sent something that is no valid response to
 * the query (such as the query itself). A {@link DnsInstanceSource} reports it as a
 * discovery failure and keeps its last good list. (A name that does not exist, {@code NXDOMAIN}, is an
 * answer, not a failure: it empties the list.)
 */
public final class DnsLookupException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The name asked for, absolute (with the trailing dot). */
    private final String queryName;
    /** The record type asked for: {@code A}, {@code AAAA}, {@code SRV}. */
    private final String queryType;
    /** The address of the DNS server asked. */
    private final String server;

    /**
     * Creates the exception; the message names the query, the server and the reason.
     *
     * @param queryName the name asked for, e.g. {@code orders.svc.test.}
     * @param queryType the record type asked for, e.g. {@code SRV}
     * @param server the server asked, e.g. {@code 127.0.0.1:53}
     * @param reason what went wrong, e.g. {@code SERVFAIL} or {@code timed out after PT2S}
     * @param cause the I/O failure behind it, or null when the server answered with an error code
     */
    public DnsLookupException(String queryName, String queryType, String server, String reason,
            @Nullable Throwable cause) {
        super("DNS lookup of " + requireNonNull(queryName, "queryName") + " " + requireNonNull(queryType, "queryType")
                + " at " + requireNonNull(server, "server") + " failed: " + requireNonNull(reason, "reason"), cause);
        this.queryName = queryName;
        this.queryType = queryType;
        this.server = server;
    }

    /** @return the name asked for, absolute (with the trailing dot) */
    public String getQueryName() {
        return queryName;
    }

    /** @return the record type asked for: {@code A}, {@code AAAA}, {@code SRV} */
    public String getQueryType() {
        return queryType;
    }

    /** @return the address of the DNS server asked */
    public String getServer() {
        return server;
    }
}
