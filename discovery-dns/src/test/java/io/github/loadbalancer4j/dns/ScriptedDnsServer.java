package io.github.loadbalancer4j.dns;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A real UDP DNS server on loopback whose answer the test sets: A records, an error code such as
 * SERVFAIL, or silence (neither of which dnsmasq can be made to give on demand).
 */
final class ScriptedDnsServer implements AutoCloseable {

    private final DatagramSocket socket;
    private final Thread thread;
    private final AtomicInteger queries = new AtomicInteger();
    private volatile boolean silent;
    private volatile int rcode = Rcode.NOERROR;
    private volatile List<String> addresses = List.of();

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
                Message query = new Message(java.util.Arrays.copyOf(buffer, packet.getLength()));
                Message response = new Message(query.getHeader().getID());
                response.getHeader().setFlag(Flags.QR);
                response.getHeader().setRcode(rcode);
                Record question = query.getQuestion();
                response.addRecord(question, Section.QUESTION);
                if (rcode == Rcode.NOERROR && question.getType() == Type.A) {
                    for (String address : addresses) {
                        response.addRecord(new ARecord(question.getName(), question.getDClass(), 0,
                                InetAddress.getByName(address)), Section.ANSWER);
                    }
                }
                byte[] out = response.toWire();
                socket.send(new DatagramPacket(out, out.length, packet.getSocketAddress()));
            } catch (IOException e) {
                // closed, or a packet that is not a DNS query: keep serving until closed
            }
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
