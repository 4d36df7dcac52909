package io.github.loadbalancer4j.dns.internal;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Message;
import org.xbill.DNS.io.IoClientFactory;
import org.xbill.DNS.io.TcpIoClient;
import org.xbill.DNS.io.UdpIoClient;

/**
 * dnsjava I/O that runs on the calling thread and returns completed futures.
 *
 * <p>dnsjava's default I/O runs on one JVM-wide selector thread that lives until the JVM exits; with
 * this factory every query runs on the source's own thread, so closing the source leaves no thread
 * behind. The sockets are channel adaptors, so interrupting the thread (as {@code close()} does)
 * ends a query that is waiting for an answer at once.
 */
public final class BlockingIoClientFactory implements IoClientFactory {

    private static final UdpIoClient UDP = BlockingIoClientFactory::exchangeUdp;
    private static final TcpIoClient TCP = BlockingIoClientFactory::exchangeTcp;

    @Override
    public TcpIoClient createOrGetTcpClient() {
        return TCP;
    }

    @Override
    public UdpIoClient createOrGetUdpClient() {
        return UDP;
    }

    private static CompletableFuture<byte[]> exchangeUdp(@Nullable InetSocketAddress local, InetSocketAddress remote,
            Message query, byte[] data, int max, Duration timeout) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        int id = query.getHeader().getID();
        try (DatagramChannel channel = DatagramChannel.open()) {
            if (local != null) {
                channel.bind(local);
            }
            channel.connect(remote);
            channel.write(ByteBuffer.wrap(data));
            DatagramSocket socket = channel.socket();
            byte[] buffer = new byte[max];
            while (true) {
                socket.setSoTimeout(remainingMillis(deadline, remote, timeout));
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                // A late answer to an earlier query on a reused port is not ours: wait for ours.
                if (packet.getLength() >= 2 && ((buffer[0] & 0xFF) << 8 | (buffer[1] & 0xFF)) == id) {
                    result.complete(Arrays.copyOf(buffer, packet.getLength()));
                    return result;
                }
            }
        } catch (IOException e) {
            result.completeExceptionally(e);
            return result;
        }
    }

    private static CompletableFuture<byte[]> exchangeTcp(@Nullable InetSocketAddress local, InetSocketAddress remote,
            Message query, byte[] data, Duration timeout) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (SocketChannel channel = SocketChannel.open()) {
            if (local != null) {
                channel.bind(local);
            }
            Socket socket = channel.socket();
            socket.connect(remote, remainingMillis(deadline, remote, timeout));
            OutputStream out = socket.getOutputStream();
            byte[] framed = new byte[data.length + 2];
            framed[0] = (byte) (data.length >>> 8);
            framed[1] = (byte) data.length;
            System.arraycopy(data, 0, framed, 2, data.length);
            out.write(framed);
            out.flush();
            socket.setSoTimeout(remainingMillis(deadline, remote, timeout));
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] answer = new byte[in.readUnsignedShort()];
            in.readFully(answer);
            result.complete(answer);
        } catch (IOException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    private static int remainingMillis(long deadline, InetSocketAddress remote, Duration timeout)
            throws SocketTimeoutException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("no answer from " + remote + " within " + timeout);
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(left)));
    }
}
