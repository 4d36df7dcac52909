package io.github.loadbalancer4j.examples;

import io.github.loadbalancer4j.ServiceInstance;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import okhttp3.Interceptor;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * A network interceptor, below the {@code LoadBalancingInterceptor}, that sees every attempt with the
 * URL the load balancer chose ({@code http://127.0.0.12:41857/hello}): it records the attempt on
 * that instance's {@link InstanceTally} (a 5xx or an I/O error is a failure; the latency is the time
 * to the response headers), and counts it on the call's {@link AtomicInteger} tag, so the demo knows
 * how many attempts each call needed. An attempt that fails while connecting never reaches a
 * network interceptor; the demo's backends stay up, so there is none.
 */
final class AttemptRecorder implements Interceptor {

    private final Map<String, InstanceTally> tallies;

    AttemptRecorder(List<InstanceTally> tallies) {
        this.tallies = tallies.stream().collect(Collectors.toUnmodifiableMap(t -> t.instance().id(), Function.identity()));
    }

    /** Sends the attempt on and records it; the response or failure goes back unchanged. */
    @Override
    public Response intercept(Chain chain) throws IOException {
        @Nullable AtomicInteger attempts = chain.request().tag(AtomicInteger.class);
        if (attempts != null) {
            attempts.incrementAndGet();
        }
        @Nullable InstanceTally tally = tallies.get(chain.request().url().host() + ":" + chain.request().url().port());
        long start = System.nanoTime();
        boolean failed = true;
        try {
            Response response = chain.proceed(chain.request());
            failed = response.code() >= 500;
            return response;
        } finally {
            if (tally != null) {
                tally.record(System.nanoTime() - start, failed);
            }
        }
    }

    /** @return the instance's tally */
    InstanceTally tally(ServiceInstance instance) {
        InstanceTally tally = tallies.get(instance.id());
        if (tally == null) {
            throw new IllegalArgumentException("instance: " + instance.id() + " (expected: one of " + tallies.keySet() + ")");
        }
        return tally;
    }
}
