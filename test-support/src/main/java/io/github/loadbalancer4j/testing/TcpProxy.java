package io.github.loadbalancer4j.testing;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 in front of a real server, which a test can cut and restore to take the
 * network away from a client while the server keeps running (and keeps taking changes from other
 * clients). While cut, open connections are closed and new ones are accepted and closed at once, as
 * a dead network path looks to a client; connections made after {@link #restore()} are forwarded again.
 * A connection whose server side closes (the server stopped) is closed on the client side too.
 */
public final class TcpProxy implements AutoCloseable {

    private static final AtomicInteger PROXIES = new AtomicInteger();

    private final InetSocketAddress target;
    private final ServerSocket server;
    private final String name;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean cut;
    private volatile boolean closed;

    private TcpProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        this.name = "tcp-proxy-" + PROXIES.incrementAndGet();
        Thread acceptor = new Thread(this::acceptLoop, name + "-accept");
        acceptor.setDaemon(true);
        threads.add(acceptor);
        acceptor.start();
    }

    /**
     * Starts a proxy on a free port of 127.0.0.1.
     *
     * @param target the server to forward to
     * @return the running proxy
     * @throws IOException if no port could be bound
     */
    public static TcpProxy start(InetSocketAddress target) throws IOException {
        return new TcpProxy(requireNonNull(target, "target"));
    }

    /** @return the port the proxy listens on (on 127.0.0.1) */
    public int port() {
        return server.getLocalPort();
    }

    /** @return how many client connections the proxy accepted so far, cut or not */
    public int connectionsAccepted() {
        return connections.get();
    }

    /** Closes every open connection and refuses to forward new ones until {@link #restore()}. */
    public void cut() {
        cut = true;
        closeOpenConnections();
    }

    /** Forwards new connections again. */
    public void restore() {
        cut = false;
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        closeOpenConnections();
        for (Thread t : threads) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public String toString() {
        return "TcpProxy{127.0.0.1:" + port() + " -> " + target + (cut ? ", cut" : "") + "}";
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            connections.incrementAndGet();
            if (cut) {
                closeQuietly(client);
                continue;
            }
            Socket upstream = new Socket();
            try {
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                upstream.connect(target, 2_000);
            } catch (IOException e) {
                closeQuietly(upstream);
                closeQuietly(client); // the server is down: so is the connection
                continue;
            }
            open.add(client);
            open.add(upstream);
            if (cut || closed) { // cut while connecting: close what cut() could not see yet
                closePair(client, upstream);
                continue;
            }
            int n = connections.get();
            pump(client, upstream, name + "-" + n + "-up");
            pump(upstream, client, name + "-" + n + "-down");
        }
    }

    private void pump(Socket from, Socket to, String threadName) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int read;
                while ((read = in.read(buffer)) != -1) {
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException e) {
                // one side closed or was cut
            } finally {
                closePair(from, to);
            }
        }, threadName);
        t.setDaemon(true);
        threads.removeIf(old -> !old.isAlive());
        threads.add(t);
        t.start();
    }

    private void closePair(Socket a, Socket b) {
        closeQuietly(a);
        closeQuietly(b);
        open.remove(a);
        open.remove(b);
    }

    private void closeOpenConnections() {
        for (Socket s : open) {
            closeQuietly(s);
        }
        open.clear();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.setSoLinger(true, 0); // a reset, as a broken path gives, rather than an orderly close
        } catch (SocketException e) {
            // not connected
        }
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
