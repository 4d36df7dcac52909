package io.github.loadbalancer4j.okhttp.internal;

import io.github.loadbalancer4j.Lease;
import io.github.loadbalancer4j.ServiceInstance;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * One attempt of a routed request on a lease's instance: rewrites the request for the instance
 * (http: host and port; https: port, and the connection pinned with {@link PinnedDns}), sends it
 * through the instance's own connection pool when there are {@link InstancePools}, and ends the lease
 * with the outcome.
 *
 * <p>Public for the loadbalancer4j modules; not API.
 */
public final class InstanceAttempt {

    private static final long TIMEOUT_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private InstanceAttempt() {
    }

    /**
     * Sends the request to the lease's instance and ends the lease: as {@link FailureStatuses#end} says
     * for a response (a result, or a failure status, held out for a {@code Retry-After}),
     * {@code onError(e)} for a failure, {@code release()} when the caller canceled the call. A request that cannot be rewritten
     * for the instance fails with a {@link RequestBuildException}, recorded as a failure of the instance.
     *
     * @param chain the application-interceptor chain
     * @param request the caller's request, with the logical host
     * @param lease the instance's lease
     * @param statuses how a response ends the lease
     * @param urls the interceptor's http URL rewriter
     * @param pools the load balancer's per-instance connection pools; null to use the client's pool
     * @param start {@link #startOf(Interceptor.Chain)} of this call
     * @return the instance's response
     * @throws IOException what the attempt threw, or a {@link RequestBuildException}
     */
    public static Response send(Interceptor.Chain chain, Request request, Lease lease, FailureStatuses statuses,
            InstanceUrls urls, @Nullable InstancePools pools, long start) throws IOException {
        ServiceInstance instance = lease.instance();
        HttpUrl url = request.url();
        Request routed;
        Interceptor.Chain target;
        try {
            if (url.isHttps()) {
                routed = request.newBuilder().url(url.newBuilder().port(instance.port()).build()).build();
                target = chain.withDns(new PinnedDns(url.host(), instance.host(), chain.getDns()));
            } else {
                routed = request.newBuilder().url(urls.rewrite(url, instance)).build();
                target = chain;
            }
            if (pools != null) {
                target = target.withConnectionPool(pools.poolFor(instance));
            }
        } catch (RuntimeException e) {
            // Never sent, and the instance is why (a host this client cannot address): a failure of the
            // instance, reported as an IOException so that under enqueue() it reaches the callback
            // instead of ending OkHttp's dispatcher thread.
            RequestBuildException failure = new RequestBuildException(request, instance, e);
            lease.onError(failure);
            throw failure;
        } catch (Error e) {
            lease.onError(e);
            throw e;
        }
        Response response;
        try {
            response = target.proceed(routed);
        } catch (IOException e) {
            Call call = chain.call();
            if (call.isCanceled() && !callTimedOut(call, start)) {
                lease.release(); // the caller gave up: nothing to say about the instance
            } else {
                lease.onError(e);
            }
            throw e;
        } catch (Throwable e) {
            // Throwable: an interceptor written in Kotlin may throw a checked exception undeclared.
            lease.onError(e);
            throw e;
        }
        statuses.end(lease, response);
        return response;
    }

    /**
     * @param chain the chain of a call
     * @return when the call's timeout started, near enough; 0 when the call has no timeout
     */
    public static long startOf(Interceptor.Chain chain) {
        return chain.call().timeout().timeoutNanos() > 0 ? System.nanoTime() : 0;
    }

    /**
     * Whether a canceled call was canceled by its call timeout. The timeout started a little before
     * the interceptor did, so the elapsed time seen here is a little short: allow a tenth of the
     * timeout, at most 50 ms.
     */
    static boolean callTimedOut(Call call, long start) {
        long timeout = call.timeout().timeoutNanos();
        if (timeout <= 0 || start == 0) {
            return false;
        }
        long slack = Math.min(timeout / 10, TIMEOUT_SLACK_NANOS);
        return System.nanoTime() - start >= timeout - slack;
    }
}
