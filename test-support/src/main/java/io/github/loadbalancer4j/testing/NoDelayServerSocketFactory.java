package io.github.loadbalancer4j.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.function.Consumer;
import javax.net.ServerSocketFactory;

/**
 * Server sockets whose accepted connections have TCP_NODELAY set. MockWebServer writes a response
 * in more than one write; with Nagle's algorithm on, each keep-alive call then waits for the
 * client's delayed ACK (about 40 ms a call here instead of well under 1 ms). The server sockets
 * reuse their address (SO_REUSEADDR), so a server closed and started again on the same port is not
 * refused because of the connections the first one closed.
 */
public final class NoDelayServerSocketFactory extends ServerSocketFactory {

    private final Consumer<Socket> onAccept;

    /** Server sockets that only set TCP_NODELAY on what they accept. */
    public NoDelayServerSocketFactory() {
        this(socket -> { });
    }

    /**
     * @param onAccept sees each accepted connection (its server side), e.g. to tell later whether
     *     the server closed it
     */
    public NoDelayServerSocketFactory(Consumer<Socket> onAccept) {
        this.onAccept = onAccept;
    }

    @Override
    public ServerSocket createServerSocket() throws IOException {
        ServerSocket server = new ServerSocket() {
            @Override
            public Socket accept() throws IOException {
                Socket socket = new Socket();
                implAccept(socket);
                socket.setTcpNoDelay(true);
                onAccept.accept(socket);
                return socket;
            }
        };
        server.setReuseAddress(true);
        return server;
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
        return createServerSocket(port, 50);
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog) throws IOException {
        ServerSocket socket = createServerSocket();
        socket.bind(new InetSocketAddress(port), backlog);
        return socket;
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress address) throws IOException {
        ServerSocket socket = createServerSocket();
        socket.bind(new InetSocketAddress(address, port), backlog);
        return socket;
    }
}
