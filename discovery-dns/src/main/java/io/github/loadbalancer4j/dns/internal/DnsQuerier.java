package io.github.loadbalancer4j.dns.internal;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.dns.DnsLookupException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Asks one DNS server for one name and type, with no cache at all (every call goes to the server),
 * following CNAMEs. The answer is the records found, or an empty list when the server says the name
 * or the data does not exist ({@code NXDOMAIN}, {@code NODATA}); anything else is a
 * {@link DnsLookupException}, including a datagram that is no valid response to the query (the query
 * echoed back, another opcode, id or question, or bytes that do not parse): only a real answer may
 * empty the list.
 */
public final class DnsQuerier {

    private static final int MAX_CNAME_HOPS = 8;

    private final SimpleResolver resolver;
    private final String server;
    private final Duration timeout;

    /**
     * @param server the DNS server to ask
     * @param timeout how long one query may wait for its answer
     */
    public DnsQuerier(InetSocketAddress server, Duration timeout) {
        this.resolver = new SimpleResolver(requireNonNull(server, "server"));
        this.timeout = requireNonNull(timeout, "timeout");
        resolver.setTimeout(timeout);
        resolver.setIoClientFactory(new BlockingIoClientFactory());
        this.server = format(server);
    }

    /**
     * Looks up the records of one type.
     *
     * @param name an absolute name
     * @param type a {@link Type} constant
     * @return the records of that type at the end of the CNAME chain; empty for NXDOMAIN or no data
     * @throws DnsLookupException if the server did not answer, answered with an error, or the CNAME chain loops
     */
    public List<Record> query(Name name, int type) throws DnsLookupException {
        Name current = name;
        Set<Name> seen = new HashSet<>();
        seen.add(current);
        for (int hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
            Message response = send(name, current, type);
            int rcode = response.getRcode();
            if (rcode == Rcode.NXDOMAIN) {
                return List.of();
            }
            if (rcode != Rcode.NOERROR) {
                throw failure(name, type, Rcode.string(rcode), null);
            }
            List<Record> answer = response.getSection(Section.ANSWER);
            Name owner = current;
            while (true) {
                List<Record> found = recordsOf(answer, owner, type);
                if (!found.isEmpty()) {
                    return found;
                }
                CNAMERecord alias = cnameOf(answer, owner);
                if (alias == null) {
                    break;
                }
                owner = alias.getTarget();
                if (!seen.add(owner)) {
                    throw failure(name, type, "CNAME loop at " + owner, null);
                }
            }
            if (owner.equals(current)) {
                return List.of();
            }
            // The chain leaves what this answer holds: ask for its end.
            current = owner;
        }
        throw failure(name, type, "more than " + MAX_CNAME_HOPS + " CNAMEs", null);
    }

    /** @return the server's address, as in {@code 127.0.0.1:53} */
    public String server() {
        return server;
    }

    private Message send(Name asked, Name name, int type) throws DnsLookupException {
        Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        Message response;
        try {
            // Runs on this thread: the I/O factory completes its futures before returning.
            response = resolver.sendAsync(query, Runnable::run).toCompletableFuture().get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String reason;
            if (cause instanceof SocketTimeoutException) {
                reason = "timed out after " + timeout;
            } else if (cause instanceof PortUnreachableException) {
                reason = "server unreachable (ICMP port unreachable: nothing listens there)";
            } else {
                reason = cause.getClass().getSimpleName() + (cause.getMessage() != null ? ": " + cause.getMessage() : "");
            }
            throw failure(asked, type, reason, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure(asked, type, "interrupted", e);
        }
        String invalid = notAResponseTo(query, response);
        if (invalid != null) {
            throw failure(asked, type, "not a response to the query: " + invalid, null);
        }
        return response;
    }

    /**
     * dnsjava 3.6 checks a response's id and question, not that it is a response: a server (or
     * anything on the path) that sends the query back would otherwise read as "no such records" and
     * empty the list. The question is checked again here so that this rule does not rest on dnsjava's.
     *
     * @return why the message is no response to the query, or null when it is one
     */
    static @Nullable String notAResponseTo(Message query, Message response) {
        Header header = response.getHeader();
        if (!header.getFlag(Flags.QR)) {
            return "the QR bit is clear (the server echoed the query?)";
        }
        if (header.getOpcode() != Opcode.QUERY) {
            return "opcode " + Opcode.string(header.getOpcode()) + " (expected: QUERY)";
        }
        if (header.getID() != query.getHeader().getID()) {
            return "id " + header.getID() + " (expected: " + query.getHeader().getID() + ")";
        }
        Record question = response.getQuestion();
        if (question == null || !question.equals(query.getQuestion())) {
            return "question " + question + " (expected: " + query.getQuestion() + ")";
        }
        return null;
    }

    private DnsLookupException failure(Name name, int type, String reason, @Nullable Throwable cause) {
        return new DnsLookupException(name.toString(), Type.string(type), server, reason, cause);
    }

    private static List<Record> recordsOf(List<Record> answer, Name owner, int type) {
        List<Record> found = new ArrayList<>();
        for (Record r : answer) {
            if (r.getType() == type && r.getName().equals(owner)) {
                found.add(r);
            }
        }
        return found;
    }

    private static @Nullable CNAMERecord cnameOf(List<Record> answer, Name owner) {
        for (Record r : answer) {
            if (r instanceof CNAMERecord && r.getName().equals(owner)) {
                return (CNAMERecord) r;
            }
        }
        return null;
    }

    private static String format(InetSocketAddress address) {
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
