package io.github.loadbalancer4j.okhttp.internal;

import io.github.loadbalancer4j.retry.internal.HttpFailoverRules;
import java.io.IOException;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.jspecify.annotations.Nullable;

/**
 * When a failed attempt of an OkHttp request may move on to another instance: the HTTP rules every
 * client shares ({@link HttpFailoverRules}), plus OkHttp's own cases: a request that could not be
 * built for the instance was never sent (it may move on), and a body is repeatable unless it is
 * one-shot or duplex.
 *
 * <p>Public for the loadbalancer4j modules; not API.
 */
public final class FailoverRules {

    private FailoverRules() {
    }

    /**
     * @param failure what the attempt threw
     * @param request the caller's request
     * @return whether another instance may be tried, before asking the Retry
     */
    public static boolean mayMoveOn(IOException failure, Request request) {
        if (failure instanceof RequestBuildException && !isCertificateFailure(failure)) {
            return true; // nothing was sent
        }
        return HttpFailoverRules.mayMoveOn(failure, request.method(), isRepeatable(request.body()));
    }

    /**
     * @param failure what an attempt threw
     * @return whether the failure happened while connecting, so the request was not sent
     */
    public static boolean isConnectFailure(IOException failure) {
        return HttpFailoverRules.isConnectFailure(failure);
    }

    /**
     * @param failure what an attempt threw
     * @return whether the client rejected the server's certificate
     */
    public static boolean isCertificateFailure(IOException failure) {
        return HttpFailoverRules.isCertificateFailure(failure);
    }

    /**
     * @param request a request
     * @return whether sending it twice is safe: an idempotent method and a body that can be replayed
     */
    public static boolean isIdempotentAndRepeatable(Request request) {
        return HttpFailoverRules.isIdempotent(request.method()) && isRepeatable(request.body());
    }

    /**
     * @param method an HTTP method
     * @return whether sending it twice is safe by its definition (RFC 9110): GET, HEAD, OPTIONS, PUT, DELETE, TRACE
     */
    public static boolean isIdempotentMethod(String method) {
        return HttpFailoverRules.isIdempotent(method);
    }

    private static boolean isRepeatable(@Nullable RequestBody body) {
        return body == null || (!body.isOneShot() && !body.isDuplex());
    }
}
