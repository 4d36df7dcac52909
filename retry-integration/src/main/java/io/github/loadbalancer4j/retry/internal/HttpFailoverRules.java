package io.github.loadbalancer4j.retry.internal;

import io.github.loadbalancer4j.retry.FailoverPredicates;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * When a failed HTTP attempt may move on to another instance, whatever the client (OkHttp, Spring's
 * RestClient and WebClient):
 * <ul>
 *   <li>a connect failure (refused, connect timeout, unknown host, no route) never reached a server:
 *       any request may move on;
 *   <li>any other failure may have reached the server: only idempotent methods (GET, HEAD, OPTIONS,
 *       PUT, DELETE, TRACE) whose body can be sent again move on;
 *   <li>a certificate the client rejects is the same everywhere (the service's name is wrong, not one
 *       instance): never moved on, so the configuration error is seen at once;
 *   <li>an interrupt, or a call timeout that is not a socket timeout, means stop: never moved on.
 * </ul>
 * Connect failures are those of {@link FailoverPredicates#safeForAnyCall()}.
 *
 * <p>Public for the loadbalancer4j modules; not API.
 */
public final class HttpFailoverRules {

    private HttpFailoverRules() {
    }

    /**
     * @param failure what the attempt threw
     * @param method the request's method, upper case
     * @param repeatableBody whether the request's body (if any) can be sent again
     * @return whether another instance may be tried, before asking the Retry
     */
    public static boolean mayMoveOn(Throwable failure, String method, boolean repeatableBody) {
        if (isCertificateFailure(failure)) {
            return false;
        }
        if (isConnectFailure(failure)) {
            return true; // nothing was sent
        }
        if (failure instanceof InterruptedIOException && !(failure instanceof SocketTimeoutException)) {
            return false; // the call timed out or the thread was interrupted
        }
        return repeatableBody && isIdempotent(method);
    }

    /**
     * @param failure what an attempt threw
     * @return whether the failure happened while connecting, so the request was not sent
     */
    public static boolean isConnectFailure(Throwable failure) {
        return FailoverPredicates.safeForAnyCall().test(failure);
    }

    /**
     * @param failure what an attempt threw
     * @return whether the client rejected the server's certificate
     */
    public static boolean isCertificateFailure(Throwable failure) {
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
     * @param method an HTTP method, upper case
     * @return whether sending it twice is safe by its definition (RFC 9110, section 9.2.2)
     */
    public static boolean isIdempotent(String method) {
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
