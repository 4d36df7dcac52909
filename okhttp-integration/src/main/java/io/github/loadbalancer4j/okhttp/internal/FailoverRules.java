package io.github.loadbalancer4j.okhttp.internal;

import io.github.loadbalancer4j.retry.FailoverPredicates;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * When a failed attempt may move on to another instance.
 *
 * <ul>
 *   <li>A connect failure (refused, connect timeout, unknown host, no route) never reached a
 *       server, nor did a request that could not be built for the instance: any request may move on.
 *   <li>Any other failure may have reached the server: only idempotent methods (GET, HEAD,
 *       OPTIONS, PUT, DELETE, TRACE) with a body that can be sent again (none, or not one-shot)
 *       move on.
 *   <li>A certificate the client rejects is the same everywhere (the service's name is wrong, not
 *       one instance): never moved on, so the configuration error is seen at once.
 *   <li>A call canceled or past its call timeout never moves on.
 * </ul>
 *
 * <p>Connect failures are those of the retry module's {@link FailoverPredicates#safeForAnyCall()}.
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
        if (isCertificateFailure(failure)) {
            return false;
        }
        if (isConnectFailure(failure) || failure instanceof RequestBuildException) {
            return true; // nothing was sent
        }
        if (failure instanceof InterruptedIOException && !(failure instanceof SocketTimeoutException)) {
            return false; // the call timed out or the thread was interrupted
        }
        return isIdempotentAndRepeatable(request);
    }

    /**
     * @param failure what an attempt threw
     * @return whether the failure happened while connecting, so the request was not sent
     */
    public static boolean isConnectFailure(IOException failure) {
        return FailoverPredicates.safeForAnyCall().test(failure);
    }

    /**
     * @param failure what an attempt threw
     * @return whether the client rejected the server's certificate
     */
    public static boolean isCertificateFailure(IOException failure) {
        if (failure instanceof SSLPeerUnverifiedException) {
            return true;
        }
        if (failure instanceof SSLHandshakeException) {
            for (Throwable t = failure.getCause(); t != null; t = t.getCause()) {
                if (t instanceof CertificateException) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * @param request a request
     * @return whether sending it twice is safe: an idempotent method and a body that can be replayed
     */
    public static boolean isIdempotentAndRepeatable(Request request) {
        if (!isIdempotent(request.method())) {
            return false;
        }
        RequestBody body = request.body();
        return body == null || (!body.isOneShot() && !body.isDuplex());
    }

    /**
     * @param method an HTTP method
     * @return whether sending it twice is safe by its definition (RFC 9110): GET, HEAD, OPTIONS, PUT, DELETE, TRACE
     */
    public static boolean isIdempotentMethod(String method) {
        return isIdempotent(method);
    }

    static boolean isIdempotent(String method) {
        switch (method) {
            case "GET":
            case "HEAD":
            case "OPTIONS":
            case "PUT":
            case "DELETE":
            case "TRACE":
                return true;
            default:
                return false;
        }
    }
}
