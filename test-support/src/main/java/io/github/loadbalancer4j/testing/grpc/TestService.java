package io.github.loadbalancer4j.testing.grpc;

import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The small gRPC service every {@link LoopbackGrpcServers} server runs, written by hand (no protoc):
 * two unary methods with UTF-8 strings as messages, each answering with the name of the server
 * that served it (its address, {@code 127.0.0.11}). {@link #READ} is the method tests mark safe to
 * repeat, {@link #WRITE} the one they do not.
 */
public final class TestService {

    /** The service's full name. */
    public static final String NAME = "loadbalancer4j.test.Backend";

    /** UTF-8 strings as messages. */
    public static final MethodDescriptor.Marshaller<String> STRINGS = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    /** A read: safe to send again to another server. Answers with the server's name. */
    public static final MethodDescriptor<String, String> READ = unary("Read");

    /** A write: not safe to send twice. Answers with the server's name. */
    public static final MethodDescriptor<String, String> WRITE = unary("Write");

    private TestService() {
    }

    private static MethodDescriptor<String, String> unary(String method) {
        return MethodDescriptor.<String, String>newBuilder()
                .setType(MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(NAME, method))
                .setRequestMarshaller(STRINGS)
                .setResponseMarshaller(STRINGS)
                .build();
    }
}
