package io.github.loadbalancer4j.okhttp;

import io.github.loadbalancer4j.ServiceInstance;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.net.ssl.SSLSocketFactory;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.jspecify.annotations.Nullable;

/**
 * Three real MockWebServers on 127.0.0.11, .12 and .13, all on the same port (so only the address
 * tells the instances apart), each logging the requests it received and answering with a behaviour
 * a test can change.
 */
final class Backends implements AutoCloseable {

    static final String[] ADDRESSES = {"127.0.0.11", "127.0.0.12", "127.0.0.13"};

    final List<Backend> all = new ArrayList<>();
    final int port;

    private Backends(List<Backend> started, int port) {
        this.all.addAll(started);
        this.port = port;
    }

    private static Backends start(@Nullable SSLSocketFactory tls) throws IOException {
        IOException last = null;
        for (int tries = 0; tries < 10; tries++) {
            List<Backend> started = new ArrayList<>();
            try {
                int port = 0;
                for (String address : ADDRESSES) {
                    Backend b = new Backend(address, tls);
                    started.add(b);
                    b.server.start(InetAddress.getByName(address), port);
                    port = b.server.getPort();
                }
                return new Backends(started, port);
            } catch (BindException e) {
                last = e; // the port was free on .11 but not on .12 or .13: try another one
                started.forEach(Backend::close);
            }
        }
        throw last;
    }

    static Backends http() throws IOException {
        return start(null);
    }

    static Backends https(SSLSocketFactory serverTls) throws IOException {
        return start(serverTls);
    }

    Backend get(int i) {
        return all.get(i);
    }

    List<ServiceInstance> instances() {
        return all.stream().map(b -> ServiceInstance.of(b.address, port)).collect(Collectors.toList());
    }

    int totalRequests() {
        return all.stream().mapToInt(b -> b.log.size()).sum();
    }

    @Override
    public void close() {
        all.forEach(Backend::close);
    }

    /** One server and its request log. */
    static final class Backend {
        final String address;
        final MockWebServer server = new MockWebServer();
        final List<RecordedRequest> log = new CopyOnWriteArrayList<>();
        volatile Function<RecordedRequest, MockResponse> behaviour;

        Backend(String address, @Nullable SSLSocketFactory tls) {
            this.address = address;
            // MockWebServer would write a body after a HEAD too, and spoil the pooled connection.
            this.behaviour = r -> r.getMethod().equals("HEAD")
                    ? new MockResponse.Builder().code(200).build()
                    : new MockResponse.Builder().code(200).body(address).build();
            if (tls != null) {
                server.useHttps(tls);
            }
            server.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) {
                    log.add(request);
                    return behaviour.apply(request);
                }
            });
        }

        /** @return how many connections the server accepted that carried a request */
        long connections() {
            return log.stream().mapToInt(RecordedRequest::getConnectionIndex).distinct().count();
        }

        void close() {
            server.close();
        }
    }
}
