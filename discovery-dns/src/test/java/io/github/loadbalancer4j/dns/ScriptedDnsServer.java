package io.github.loadbalancer4j.dns;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A real UDP DNS server on loopback whose answer the test sets: A records, an error code such as
 * SERVFAIL, silence, or a datagram that is no valid response to the query (none of which dnsmasq
 * can be made to give on demand).
 */
final class ScriptedDnsServer implements AutoCloseable {

    private final DatagramSocket socket;
    private final Thread thread;
    private final AtomicInteger queries = new AtomicInteger();
    private volatile boolean silent;
    private volatile int rcode = Rcode.NOERROR;
    private volatile List<String> addresses = List.of();
    private volatile @Nullable BadAnswer badAnswer;

    /** Datagrams that come back to a query without being a valid response to it. */
    enum BadAnswer {
        /** The query itself, sent back: the QR bit is clear, and there are no records. */
        ECHOED_QUERY,
        /** A well-formed response, but to another query id. */
        WRONG_ID,
        /** A response whose question is another name, with records for that name. */
        WRONG_QUESTION_NAME,
        /** A response whose question asks for another type (AAAA for A, A for anything else). */
        WRONG_QUESTION_TYPE,
        /** A response whose question is in class CHAOS. */
        WRONG_QUESTION_CLASS,
        /** A response with no question section. */
        NO_QUESTION,
        /** A response (QR set) whose opcode is NOTIFY, not QUERY. */
        WRONG_OPCODE,
        /** A good response cut off inside its question section. */
        TRUNCATED,
        /** The query id, then six bytes of noise: shorter than a DNS header. */
        SHORTER_THAN_A_HEADER,
    }

    ScriptedDnsServer() throws IOException {
        socket = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"));
        thread = new Thread(this::serve, "scripted-dns-server");
        thread.setDaemon(true);
        thread.start();
    }

    String address() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    void answer(String... addresses) {
        this.addresses = List.of(addresses);
        this.rcode = Rcode.NOERROR;
        this.badAnswer = null;
    }

    /** From now on, answers every query with a datagram of this shape, until {@link #answer} is called. */
    void answerBadly(BadAnswer shape) {
        this.badAnswer = shape;
    }

    void fail(int rcode) {
        this.rcode = rcode;
    }

    /** From now on, receives queries and never answers them. */
    void goSilent() {
        silent = true;
    }

    /** @return how many queries arrived so far */
    int queriesReceived() {
        return queries.get();
    }

    private void serve() {
        byte[] buffer = new byte[512];
        while (!socket.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                queries.incrementAndGet();
                if (silent) {
                    continue;
                }
                byte[] in = Arrays.copyOf(buffer, packet.getLength());
                Message query = new Message(in);
                BadAnswer shape = badAnswer;
                byte[] out = shape == null ? respond(query, query.getQuestion()).toWire() : badly(shape, query, in);
                socket.send(new DatagramPacket(out, out.length, packet.getSocketAddress()));
            } catch (IOException e) {
                // closed, or a packet that is not a DNS query: keep serving until closed
            }
        }
    }

    private Message respond(Message query, Record question) throws IOException {
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setRcode(rcode);
        response.addRecord(question, Section.QUESTION);
        if (rcode == Rcode.NOERROR && question.getType() == Type.A) {
            for (String address : addresses) {
                response.addRecord(new ARecord(question.getName(), question.getDClass(), 0,
                        InetAddress.getByName(address)), Section.ANSWER);
            }
        }
        return response;
    }

    private byte[] badly(BadAnswer shape, Message query, byte[] in) throws IOException {
        Record asked = query.getQuestion();
        int id = query.getHeader().getID();
        switch (shape) {
            case ECHOED_QUERY:
                return in;
            case WRONG_ID: {
                Message response = respond(query, asked);
                response.getHeader().setID(id ^ 0x5a5a);
                return response.toWire();
            }
            case WRONG_QUESTION_NAME:
                return respond(query, Record.newRecord(Name.fromString("elsewhere.svc.test."), asked.getType(),
                        asked.getDClass())).toWire();
            case WRONG_QUESTION_TYPE:
                return respond(query, Record.newRecord(asked.getName(), asked.getType() == Type.A ? Type.AAAA : Type.A,
                        asked.getDClass())).toWire();
            case WRONG_QUESTION_CLASS:
                return respond(query, Record.newRecord(asked.getName(), asked.getType(), DClass.CH)).toWire();
            case NO_QUESTION: {
                Message response = respond(query, asked);
                response.removeAllRecords(Section.QUESTION);
                return response.toWire();
            }
            case WRONG_OPCODE: {
                Message response = respond(query, asked);
                response.getHeader().setOpcode(Opcode.NOTIFY);
                return response.toWire();
            }
            case TRUNCATED: {
                byte[] whole = respond(query, asked).toWire();
                return Arrays.copyOf(whole, Header.LENGTH + 5);
            }
            case SHORTER_THAN_A_HEADER:
                return new byte[] {(byte) (id >>> 8), (byte) id, 1, 2, 3, 4, 5, 6};
            default:
                throw new IllegalStateException("unknown shape " + shape);
        }
    }

    @Override
    public void close() {
        socket.close();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
