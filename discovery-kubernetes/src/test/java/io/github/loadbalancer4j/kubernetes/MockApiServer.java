package io.github.loadbalancer4j.kubernetes;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * fabric8's mock Kubernetes API server in CRUD mode, on 127.0.0.1: lists, gets, creates, updates,
 * deletes and watches (with resource versions) are served from an in-memory store. No real API server
 * can run here; this is the stand-in. It can be stopped (connections drop, new ones are refused) and
 * restarted on the same port over the same store, as an API server restarts over its etcd.
 *
 * <p>One change to the mock: its watch listener, when a client closes a watch, waits on the server's
 * only event loop for the watch's pending writes, which need that same event loop; the server then
 * stalls for 30 s (a write timeout). Here that wait runs on a thread of its own, so the event loop
 * goes on. What the client sees is unchanged.
 */
final class MockApiServer implements AutoCloseable {

    private final Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    // One store for every incarnation of the server: it survives a restart.
    private final ExecutorService closer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "mock-api-server-watch-closer");
        t.setDaemon(true);
        return t;
    });
    private final KubernetesMixedDispatcher store = new KubernetesMixedDispatcher(expectations) {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
            MockResponse response = super.dispatch(request);
            WebSocketListener watch = response.getWebSocketListener();
            return watch == null ? response : response.withWebSocketUpgrade(new ClosedOffTheEventLoop(watch));
        }
    };
    private final int port;
    private KubernetesMockServer server;
    private final KubernetesClient admin;

    private MockApiServer() {
        server = newServer();
        server.init(loopback(), 0);
        port = server.getPort();
        admin = server.createClient();
    }

    /** @return a started server */
    static MockApiServer start() {
        return new MockApiServer();
    }

    /** @return the server (for expectations) */
    KubernetesMockServer server() {
        return server;
    }

    /**
     * A client configuration pointing at the server, namespace {@code test}. Its requests are retried
     * once (fabric8's default is 10 times, about 20 s), so that a failure shows quickly.
     *
     * @return the configuration
     */
    Config config() {
        return new ConfigBuilder(Config.empty()).withMasterUrl(server.url("/")).withNamespace("test")
                .withRequestRetryBackoffLimit(1).withRequestRetryBackoffInterval(100).build();
    }

    /** @return a new client of the test's own, with {@link #config()}; the test closes it */
    KubernetesClient newClient() {
        return new KubernetesClientBuilder().withConfig(config()).build();
    }

    /** Creates the slice, or replaces it when it exists. */
    void put(EndpointSlice slice) {
        admin.discovery().v1().endpointSlices().inNamespace(slice.getMetadata().getNamespace()).resource(slice)
                .createOr(NonDeletingOperation::update);
    }

    /** Deletes the slice. */
    void delete(String namespace, String sliceName) {
        admin.discovery().v1().endpointSlices().inNamespace(namespace).withName(sliceName).delete();
    }

    /** Stops the server: open connections drop and new ones are refused, the store is kept. */
    void stop() {
        server.shutdown();
    }

    /** Starts a new server on the same port over the same store. */
    void restart() {
        server = newServer();
        server.init(loopback(), port);
    }

    @Override
    public void close() {
        admin.close();
        server.shutdown();
        closer.shutdown();
        try {
            closer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A watch listener whose end (which blocks) runs on the closer thread instead of the event loop. */
    private final class ClosedOffTheEventLoop extends WebSocketListener {
        private final WebSocketListener delegate;

        ClosedOffTheEventLoop(WebSocketListener delegate) {
            this.delegate = delegate;
        }

        @Override
        public void onBeforeAccept(WebSocket webSocket, Response response) {
            delegate.onBeforeAccept(webSocket, response);
        }

        @Override
        public void onOpen(WebSocket webSocket, Response response) {
            delegate.onOpen(webSocket, response);
        }

        @Override
        public void onMessage(WebSocket webSocket, String text) {
            delegate.onMessage(webSocket, text);
        }

        @Override
        public void onMessage(WebSocket webSocket, byte[] bytes) {
            delegate.onMessage(webSocket, bytes);
        }

        @Override
        public void onPing(WebSocket webSocket, byte[] bytes) {
            delegate.onPing(webSocket, bytes);
        }

        @Override
        public void onClosing(WebSocket webSocket, int code, String reason) {
            delegate.onClosing(webSocket, code, reason);
        }

        @Override
        public void onClosed(WebSocket webSocket, int code, String reason) {
            closer.execute(() -> delegate.onClosed(webSocket, code, reason));
        }

        @Override
        public void onFailure(WebSocket webSocket, Throwable t, Response response) {
            closer.execute(() -> delegate.onFailure(webSocket, t, response));
        }
    }

    private KubernetesMockServer newServer() {
        return new KubernetesMockServer(new Context(), new MockWebServer(), expectations, store, false);
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByName("127.0.0.1");
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
