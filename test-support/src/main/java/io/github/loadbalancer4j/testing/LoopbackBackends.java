package io.github.loadbalancer4j.testing;

import io.github.loadbalancer4j.ServiceInstance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.net.ssl.SSLSocketFactory;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * Real HTTP servers (MockWebServer, TCP_NODELAY) on 127.0.0.11, .12 and .13, all on the same port,
 * so that only the address tells the instances apart (OkHttp's address pinning carries no port).
 * Each backend logs the requests it received and answers with a behaviour a test can change while
 * calls run; by default 200 with its own address as the body (an empty body for HEAD).
 */
public final class LoopbackBackends implements AutoCloseable {

    /** The loopback addresses the backends listen on, in order. */
    public static final List<String> ADDRESSES = List.of("127.0.0.11", "127.0.0.12", "127.0.0.13");

    private final List<Backend> all;
    private final int port;

    private LoopbackBackends(List<Backend> started, int port) {
        this.all = List.copyOf(started);
        this.port = port;
    }

    /**
     * Starts three plain-HTTP backends.
     *
     * @return the running backends
     * @throws IOException if no common free port was found in 10 tries
     */
    public static LoopbackBackends http() throws IOException {
        return start(ADDRESSES.size(), null);
    }

    /**
     * Starts backends on the first {@code count} addresses of {@link #ADDRESSES}.
     *
     * @param count 1 to 3
     * @return the running backends
     * @throws IOException if no common free port was found in 10 tries
     */
    public static LoopbackBackends http(int count) throws IOException {
        return start(count, null);
    }

    /**
     * Starts three HTTPS backends.
     *
     * @param serverTls the servers' TLS socket factory (e.g. from okhttp-tls {@code HandshakeCertificates})
     * @return the running backends
     * @throws IOException if no common free port was found in 10 tries
     */
    public static LoopbackBackends https(SSLSocketFactory serverTls) throws IOException {
        return start(ADDRESSES.size(), serverTls);
    }

    private static LoopbackBackends start(int count, @Nullable SSLSocketFactory tls) throws IOException {
        if (count < 1 || count > ADDRESSES.size()) {
            throw new IllegalArgumentException("count: " + count + " (expected: 1-" + ADDRESSES.size() + ")");
        }
        IOException last = null;
        for (int tries = 0; tries < 10; tries++) {
            List<Backend> started = new ArrayList<>();
            try {
                int port = 0;
                for (String address : ADDRESSES.subList(0, count)) {
                    Backend b = new Backend(address, tls);
                    started.add(b);
                    b.start(port);
                    port = b.port;
                }
                return new LoopbackBackends(started, port);
            } catch (BindException e) {
                last = e; // the port was free on .11 but not on .12 or .13: try another one
                started.forEach(Backend::close);
            }
        }
        throw last;
    }

    /**
     * @param index 0 for 127.0.0.11, 1 for .12, 2 for .13
     * @return that backend
     */
    public Backend get(int index) {
        return all.get(index);
    }

    /** @return every backend, in address order */
    public List<Backend> all() {
        return all;
    }

    /** @return the port all backends listen on */
    public int port() {
        return port;
    }

    /** @return the backends as instances ({@code 127.0.0.1x:port}) */
    public List<ServiceInstance> instances() {
        return all.stream().map(b -> ServiceInstance.of(b.address, port)).collect(Collectors.toList());
    }

    /**
     * Calls {@code GET pathAndQuery} on an instance and returns the body: with the default behaviour,
     * the address of the backend that answered.
     *
     * @param http the client
     * @param instance where to call
     * @param pathAndQuery e.g. {@code /orders/42}
     * @return the response body
     * @throws IllegalStateException if the answer is not 200, naming the instance and the code
     * @throws UncheckedIOException if the call failed
     */
    public static String get(OkHttpClient http, ServiceInstance instance, String pathAndQuery) {
        Request request = new Request.Builder().url(instance.uri(pathAndQuery).toString()).build();
        try (Response response = http.newCall(request).execute()) {
            if (response.code() != 200) {
                throw new IllegalStateException(instance + " answered " + response.code());
            }
            return response.body().string();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return requests received by all backends together */
    public int totalRequests() {
        return all.stream().mapToInt(b -> b.log.size()).sum();
    }

    @Override
    public void close() {
        all.forEach(Backend::close);
    }

    /**
     * One server and its request log. The server can be closed and started again on the same
     * address and port ({@link #restart()}); the log and the behaviour carry over.
     */
    public static final class Backend {
        private final String address;
        private final @Nullable SSLSocketFactory tls;
        private final List<RecordedRequest> log = new CopyOnWriteArrayList<>();
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();
        private volatile MockWebServer server;
        private volatile Function<RecordedRequest, MockResponse> behaviour;
        private int port;

        Backend(String address, @Nullable SSLSocketFactory tls) {
            this.address = address;
            this.tls = tls;
            // MockWebServer would write a body after a HEAD too, and spoil the pooled connection.
            this.behaviour = r -> "HEAD".equals(r.getMethod())
                    ? new MockResponse.Builder().code(200).build()
                    : new MockResponse.Builder().code(200).body(address).build();
            this.server = newServer();
        }

        private MockWebServer newServer() {
            MockWebServer s = new MockWebServer();
            s.setServerSocketFactory(new NoDelayServerSocketFactory(accepted::add));
            if (tls != null) {
                s.useHttps(tls);
            }
            s.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) {
                    log.add(request);
                    return behaviour.apply(request);
                }
            });
            return s;
        }

        private void start(int requestedPort) throws IOException {
            server.start(InetAddress.getByName(address), requestedPort);
            port = server.getPort();
        }

        /** @return the address it listens on, e.g. {@code 127.0.0.11} */
        public String address() {
            return address;
        }

        /** @return the server now running (a new one after each {@link #restart()}) */
        public MockWebServer server() {
            return server;
        }

        /** @return the requests received so far, by every server of this backend, oldest first (a live, thread-safe view) */
        public List<RecordedRequest> log() {
            return log;
        }

        /** @return how the backend answers now */
        public Function<RecordedRequest, MockResponse> behaviour() {
            return behaviour;
        }

        /**
         * Changes how the backend answers from the next request on.
         *
         * @param behaviour the answer to each request
         */
        public void behaviour(Function<RecordedRequest, MockResponse> behaviour) {
            this.behaviour = behaviour;
        }

        /**
         * @return how many connections the server accepted that carried a request (each server counts
         *     its connections from 0: after a {@link #restart()} this is the largest of the servers' counts)
         */
        public long connections() {
            return log.stream().mapToInt(RecordedRequest::getConnectionIndex).distinct().count();
        }

        /**
         * The connections the server holds open. MockWebServer closes its side of a connection when
         * the client closes its own (it reads the end of the stream while waiting for the next
         * request), so a client's pooled connection counts here until the client closes it.
         *
         * @return how many accepted connections the server has not closed
         */
        public long openConnections() {
            accepted.removeIf(Socket::isClosed); // closed ones need not be seen again
            return accepted.size();
        }

        /**
         * Whether a client closed a connection on which this backend has not answered yet (its answer is
         * delayed): the server side reads the end of the stream. MockWebServer does not read a connection
         * while it waits to answer, nor close it when the client has gone, so the test reads it, on a
         * daemon thread per connection. Only for a plain-HTTP backend whose open connections all wait to
         * answer: on an idle connection MockWebServer is reading already, and a read here would wait
         * behind it (until the connection closes) or take the next request's bytes.
         *
         * @param within how long to wait for the end of a stream
         * @return true when a connection's client closed it (end of stream, or reset)
         * @throws InterruptedException if interrupted while waiting
         */
        public boolean clientClosedAnUnansweredConnection(Duration within) throws InterruptedException {
            CountDownLatch closed = new CountDownLatch(1);
            for (Socket socket : accepted) {
                if (socket.isClosed()) {
                    continue;
                }
                Thread reader = new Thread(() -> {
                    try {
                        if (socket.getInputStream().read() == -1) {
                            closed.countDown();
                        }
                    } catch (IOException e) {
                        closed.countDown(); // reset by the client (or closed by the server: then it is gone anyway)
                    }
                }, "end-of-stream-" + address);
                reader.setDaemon(true);
                reader.start();
            }
            return closed.await(within.toNanos(), TimeUnit.NANOSECONDS);
        }

        /** Stops the server, closing its connections: clients see the backend die. */
        public void close() {
            server.close();
        }

        /**
         * Closes the server (if it still runs) and starts a new one on the same address and port, as
         * a restarted process would (the server socket reuses the address, so connections the old
         * server closed do not block the port).
         *
         * @throws IOException if the port cannot be bound again
         */
        public void restart() throws IOException {
            server.close();
            server = newServer();
            start(port);
        }
    }
}
