package io.github.loadbalancer4j.testing.grpc;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.testing.LoopbackBackends;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Real gRPC servers (grpc-netty-shaded) on 127.0.0.11, .12 and .13, all on one port, so that only
 * the address tells them apart (as DNS A records, which carry no port, need). Each runs
 * {@link TestService} and the standard health service ({@code grpc.health.v1.Health}, from
 * grpc-services, SERVING at first for the server and for the test service), and can be told to
 * answer, to fail every call with a status, to hold calls until told to answer them, or to hang; it
 * can be killed as a crash would kill it (every connection reset, calls in progress fail with
 * UNAVAILABLE, the port refuses connections) and started again on the same address and port.
 */
public final class LoopbackGrpcServers implements AutoCloseable {

    private final List<Backend> all;
    private final int port;

    private LoopbackGrpcServers(List<Backend> all, int port) {
        this.all = List.copyOf(all);
        this.port = port;
    }

    /**
     * Starts three servers.
     *
     * @return the running servers
     * @throws IOException if no common free port was found in 10 tries
     */
    public static LoopbackGrpcServers start() throws IOException {
        return start(LoopbackBackends.ADDRESSES.size());
    }

    /**
     * Starts servers on the first {@code count} addresses of {@link LoopbackBackends#ADDRESSES}.
     *
     * @param count 1 to 3
     * @return the running servers
     * @throws IOException if no common free port was found in 10 tries
     */
    public static LoopbackGrpcServers start(int count) throws IOException {
        if (count < 1 || count > LoopbackBackends.ADDRESSES.size()) {
            throw new IllegalArgumentException("count: " + count + " (expected: 1-" + LoopbackBackends.ADDRESSES.size() + ")");
        }
        IOException last = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            int port = freePort(LoopbackBackends.ADDRESSES.get(0));
            List<Backend> started = new ArrayList<>();
            try {
                for (String address : LoopbackBackends.ADDRESSES.subList(0, count)) {
                    Backend backend = new Backend(address, port);
                    started.add(backend);
                    backend.restart();
                }
                return new LoopbackGrpcServers(started, port);
            } catch (UncheckedIOException e) {
                last = e.getCause(); // the port was taken on another address: try another
                started.forEach(Backend::kill);
            }
        }
        throw new IOException("no free port common to " + LoopbackBackends.ADDRESSES.subList(0, count), last);
    }

    /**
     * @param index 0 for 127.0.0.11
     * @return that server
     */
    public Backend get(int index) {
        return all.get(index);
    }

    /** @return every server, in address order */
    public List<Backend> all() {
        return all;
    }

    /** @return the port every server listens on */
    public int port() {
        return port;
    }

    /** @return one instance per server ({@code 127.0.0.11:port}, ...) */
    public List<ServiceInstance> instances() {
        return all.stream().map(Backend::instance).collect(Collectors.toList());
    }

    /** @return the calls of {@link TestService} every server received, in all */
    public int totalReceived() {
        return all.stream().mapToInt(Backend::received).sum();
    }

    /** Every server answers again, and counts its calls from zero. */
    public void reset() {
        for (Backend backend : all) {
            backend.answer();
            backend.received.set(0);
            backend.answered.set(0);
        }
    }

    /** Kills every server. */
    @Override
    public void close() {
        all.forEach(Backend::kill);
    }

    private static int freePort(String address) throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(address))) {
            return socket.getLocalPort();
        }
    }

    /** One server: its address, what it does with calls, its health, whether it runs. */
    public static final class Backend {
        private final String address;
        private final int port;
        private final HealthStatusManager health = new HealthStatusManager();
        private final AtomicInteger received = new AtomicInteger();
        private final AtomicInteger answered = new AtomicInteger();
        private final Queue<StreamObserver<String>> held = new ConcurrentLinkedQueue<>();
        private volatile @Nullable Status failure;
        private volatile boolean hang;
        private volatile boolean hold;
        private final AtomicInteger toHold = new AtomicInteger();
        private @Nullable Server server;
        private @Nullable CrashableServerChannel listener;

        Backend(String address, int port) {
            this.address = address;
            this.port = port;
            health.setStatus(TestService.NAME, ServingStatus.SERVING);
        }

        /** @return the server's name and address, {@code 127.0.0.11}; what it answers calls with */
        public String address() {
            return address;
        }

        /** @return the instance to reach it by, {@code 127.0.0.11:port} */
        public ServiceInstance instance() {
            return ServiceInstance.of(address, port);
        }

        /** @return its socket address */
        public InetSocketAddress socketAddress() {
            return new InetSocketAddress(address, port);
        }

        /** From now on, answers every call with its name (the default); calls held by {@link #hold()} are answered now. */
        public void answer() {
            hang = false;
            failure = null;
            hold = false;
            StreamObserver<String> call;
            while ((call = held.poll()) != null) {
                try {
                    respond(call);
                } catch (RuntimeException callerGaveUp) {
                    // cancelled by the client meanwhile: nothing to answer
                }
            }
        }

        /** From now on, holds every call unanswered until {@link #answer()}, which answers them. */
        public void hold() {
            hold(Integer.MAX_VALUE);
        }

        /**
         * Holds the next {@code count} calls unanswered until {@link #answer()}, which answers them;
         * answers the calls after those at once.
         *
         * @param count how many calls to hold, {@code >= 1}
         */
        public void hold(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("count: " + count + " (expected: >= 1)");
            }
            failure = null;
            hang = false;
            toHold.set(count);
            hold = true;
        }

        /** @return calls held by {@link #hold()} and not yet answered */
        public int held() {
            return held.size();
        }

        /**
         * From now on, fails every call with a status.
         *
         * @param status the status, not OK
         */
        public void failWith(Status status) {
            requireNonNull(status, "status");
            if (status.isOk()) {
                throw new IllegalArgumentException("status: OK (expected: a failure)");
            }
            hang = false;
            hold = false;
            failure = status;
        }

        /** From now on, never answers a call (it stays open until the client gives up or the server is killed). */
        public void hang() {
            failure = null;
            hold = false;
            hang = true;
        }

        /**
         * Sets what the health service says of a service.
         *
         * @param service the service's name, {@code ""} for the server as a whole
         * @param status the status
         */
        public void health(String service, ServingStatus status) {
            health.setStatus(service, status);
        }

        /** @return calls of {@link TestService} received, whatever became of them */
        public int received() {
            return received.get();
        }

        /** @return calls of {@link TestService} answered with the server's name */
        public int answered() {
            return answered.get();
        }

        /** @return whether the server runs */
        public synchronized boolean isRunning() {
            return server != null && !server.isShutdown();
        }

        /**
         * Kills the server as a crash would: its connections are reset at the TCP level (no HTTP/2
         * frame, no GOAWAY: the client's calls in progress fail with UNAVAILABLE) and its port refuses
         * connections until {@link #restart()}; returns once the server has stopped.
         */
        public synchronized void kill() {
            Server s = server;
            CrashableServerChannel l = listener;
            server = null;
            listener = null;
            held.clear(); // their calls fail with the connections
            if (s == null) {
                return;
            }
            if (l != null) {
                l.crash();
            }
            s.shutdownNow();
            try {
                s.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /**
         * Starts the server (again) on its address and port; does nothing if it runs.
         *
         * @throws UncheckedIOException if the port cannot be bound
         */
        public synchronized void restart() {
            if (server != null) {
                return;
            }
            CrashableServerChannel[] made = new CrashableServerChannel[1];
            Server s = NettyServerBuilder.forAddress(socketAddress())
                    .channelFactory(() -> made[0] = new CrashableServerChannel())
                    .bossEventLoopGroup(EventLoops.BOSS)
                    .workerEventLoopGroup(EventLoops.WORKERS)
                    .directExecutor()
                    .addService(service())
                    .addService(health.getHealthService())
                    .build();
            try {
                s.start();
            } catch (IOException e) {
                throw new UncheckedIOException("could not bind " + address + ":" + port, e);
            }
            server = s;
            listener = made[0];
        }

        private ServerServiceDefinition service() {
            ServerCalls.UnaryMethod<String, String> handler = this::handle;
            return ServerServiceDefinition.builder(TestService.NAME)
                    .addMethod(TestService.READ, ServerCalls.asyncUnaryCall(handler))
                    .addMethod(TestService.WRITE, ServerCalls.asyncUnaryCall(handler))
                    .build();
        }

        private void handle(String request, StreamObserver<String> response) {
            received.incrementAndGet();
            Status fail = failure;
            if (fail != null) {
                response.onError(fail.asRuntimeException());
            } else if (hold && toHold.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                held.add(response);
                if (!hold && held.remove(response)) {
                    respond(response); // answer() ran between the check and the add
                }
            } else if (!hang) {
                respond(response);
            }
            // hang: the call stays open; the client's deadline or cancellation, or kill(), ends it
        }

        private void respond(StreamObserver<String> response) {
            answered.incrementAndGet();
            response.onNext(address);
            response.onCompleted();
        }

        @Override
        public String toString() {
            return "grpc-server " + address + ":" + port + (isRunning() ? "" : " (killed)");
        }
    }

    /**
     * A server socket channel that knows the connections it accepted, so that {@link Backend#kill()}
     * can reset them and close the port without going through gRPC's shutdown, which would first
     * tell the client (RST_STREAM CANCEL, GOAWAY) as no crashed process does.
     */
    private static final class CrashableServerChannel extends NioServerSocketChannel {
        private final Set<Channel> accepted = ConcurrentHashMap.newKeySet();

        @Override
        protected int doReadMessages(List<Object> buf) throws Exception {
            int before = buf.size();
            int read = super.doReadMessages(buf);
            for (int i = before; i < buf.size(); i++) {
                if (buf.get(i) instanceof Channel) {
                    Channel child = (Channel) buf.get(i);
                    accepted.add(child);
                    child.closeFuture().addListener(closed -> accepted.remove(child));
                }
            }
            return read;
        }

        void crash() {
            for (Channel child : accepted) {
                awaitOn(child, () -> {
                    if (child.isOpen()) {
                        child.config().setOption(ChannelOption.SO_LINGER, 0); // close() sends RST
                        child.unsafe().closeForcibly();
                    }
                });
            }
            awaitOn(this, () -> unsafe().closeForcibly());
        }

        private static void awaitOn(Channel channel, Runnable task) {
            channel.eventLoop().submit(task).syncUninterruptibly();
        }
    }

    /** The NIO event loops of every server (daemon threads), as the crashable channel needs. */
    private static final class EventLoops {
        static final NioEventLoopGroup BOSS = new NioEventLoopGroup(1, new DefaultThreadFactory("grpc-test-boss", true));
        static final NioEventLoopGroup WORKERS = new NioEventLoopGroup(2, new DefaultThreadFactory("grpc-test-worker", true));
    }
}
