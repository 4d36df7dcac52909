package io.github.loadbalancer4j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.retry.DeadlineExceededException;
import io.github.loadbalancer4j.retry.HedgingPolicy;
import io.github.loadbalancer4j.retry.RetryBudget;
import io.github.loadbalancer4j.testing.LoopbackBackends;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A deadline across the attempts of a routed call, against three real servers on 127.0.0.11-13. Real time
 * on a shared machine: each test first warms the client and the connections up, and the bounds allow
 * {@value #SLACK_MILLIS} ms for a busy machine. The exact sequences (attempts at 0, 120 and 240 ms, the
 * last one given 60 ms) are checked in virtual time by the retry module's {@code FailoverDeadlineTest}.
 */
class LoadBalancingInterceptorDeadlineTest {

    private static final long SLACK_MILLIS = 700;

    private LoopbackBackends backends;
    private LoadBalancer orders;
    private OkHttpClient client;

    @BeforeEach
    void start() throws IOException {
        backends = LoopbackBackends.http();
        orders = Clients.loadBalancer(backends.instances());
    }

    @AfterEach
    void stop() {
        if (client != null) {
            Clients.shutdown(client);
        }
        orders.close();
        backends.close();
    }

    private static Retry retrying503(Duration wait) {
        return Retry.of("orders", RetryConfig.<Response>custom().maxAttempts(5).waitDuration(wait)
                .retryOnResult(r -> r.code() == 503).build());
    }

    /** A call to each instance through the client, so that classes are loaded and connections pooled. */
    private OkHttpClient warm(LoadBalancingInterceptor.Builder interceptor) throws IOException {
        client = new OkHttpClient.Builder().addInterceptor(interceptor.build()).build();
        for (int i = 0; i < 3; i++) {
            Clients.get(client, "http://orders/warm-up");
        }
        backends.all().forEach(b -> b.log().clear());
        return client;
    }

    private void everyBackend(long delayMillis, int code) {
        for (LoopbackBackends.Backend b : backends.all()) {
            b.behaviour(r -> new MockResponse.Builder().headersDelay(delayMillis, TimeUnit.MILLISECONDS).code(code)
                    .body(code + " from " + b.address()).build());
        }
    }

    @Test
    void threeSlowInstancesAndADeadlineOf300msFailTheCallInTimeWithTheLastAttemptCutToTheTimeLeft() throws IOException {
        // Slow and failing: attempts at about 0, 120 and 240 ms, the last one given what is left (a busy
        // machine may make the first ones slower, and leave room for two only).
        warm(LoadBalancingInterceptor.builder().route("orders", orders)
                .retry(retrying503(Duration.ZERO)).deadline(Duration.ofMillis(300), Duration.ofMillis(10)));
        everyBackend(120, 503);
        long start = System.nanoTime();

        Throwable thrown = catchThrowable(() -> Clients.get(client, "http://orders/orders/42"));

        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(thrown).isInstanceOf(InterruptedIOException.class)
                .hasMessageStartingWith("Deadline of 300 ms spent after ")
                .cause().isInstanceOf(DeadlineExceededException.class)
                .hasCauseInstanceOf(java.net.SocketTimeoutException.class); // the last attempt, cut at the deadline
        int attempts = ((DeadlineExceededException) thrown.getCause()).getAttempts();
        assertThat(attempts).isBetween(1, 3).isEqualTo(backends.totalRequests()); // 3 unless the machine is very busy
        assertThat(took).isBetween(290L, 300 + SLACK_MILLIS);
        assertThat(backends.all()).allSatisfy(b -> assertThat(b.log()).hasSizeLessThanOrEqualTo(1));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(orders.getInstances()).extracting(InstanceStatus::inFlight).containsOnly(0));
        assertThat(orders.getInstances()).extracting(s -> s.circuitBreaker().getMetrics().getNumberOfFailedCalls())
                .filteredOn(n -> n > 0).hasSize(attempts);
    }

    @Test
    void anAttemptSlowerThanTheDeadlineIsCutAtIt() throws IOException {
        warm(LoadBalancingInterceptor.builder().route("orders", orders).retry(retrying503(Duration.ZERO)).deadline(Duration.ofMillis(300)));
        everyBackend(5000, 200);
        long start = System.nanoTime();

        assertThatThrownBy(() -> Clients.get(client, "http://orders/orders/42"))
                .isInstanceOf(InterruptedIOException.class).hasMessageContaining("after 1 attempt ");

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(290L, 300 + SLACK_MILLIS);
        assertThat(backends.totalRequests()).isEqualTo(1);
    }

    @Test
    void withoutFailoverTheOneAttemptIsCutAtTheDeadlineToo() {
        everyBackend(5000, 200);
        client = new OkHttpClient.Builder().addInterceptor(LoadBalancingInterceptor.builder().route("orders", orders)
                .deadline(Duration.ofMillis(300)).build()).build();

        assertThatThrownBy(() -> Clients.get(client, "http://orders/orders/42"))
                .isInstanceOf(InterruptedIOException.class).hasCauseInstanceOf(DeadlineExceededException.class);
    }

    @Test
    void noRetryStartsWithLessThanTheFloorLeftAndTheLastAnswerIsReturned() throws IOException {
        // Attempts at 0 and 600 ms; at 1200 ms 300 ms are left, less than the floor of 500.
        warm(LoadBalancingInterceptor.builder().route("orders", orders)
                .retry(retrying503(Duration.ZERO)).deadline(Duration.ofMillis(1500), Duration.ofMillis(500)));
        everyBackend(600, 503);
        long start = System.nanoTime();

        String answer = Clients.get(client, "http://orders/orders/42");

        assertThat(answer).startsWith("503 503 from ");
        assertThat(backends.totalRequests()).isEqualTo(2);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(1190L, 1500L);
    }

    @Test
    void aHedgedCallsAttemptsAreCutAtTheDeadline() throws IOException {
        warm(LoadBalancingInterceptor.builder().route("orders", orders)
                .hedging(HedgingPolicy.custom().delay(Duration.ofMillis(100)).budget(RetryBudget.unlimited()).build())
                .deadline(Duration.ofMillis(300)));
        everyBackend(5000, 200);
        long start = System.nanoTime();

        Throwable thrown = catchThrowable(() -> Clients.get(client, "http://orders/orders/42"));

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(290L, 300 + SLACK_MILLIS);
        assertThat(thrown).isInstanceOf(InterruptedIOException.class)
                .hasMessageStartingWith("Deadline of 300 ms spent after ").hasCauseInstanceOf(DeadlineExceededException.class);
        int attempts = ((DeadlineExceededException) thrown.getCause()).getAttempts();
        assertThat(attempts).isEqualTo(backends.totalRequests()).isBetween(1, 2); // 2: the first and its hedge at 100 ms
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(orders.getInstances()).extracting(InstanceStatus::inFlight).containsOnly(0));
    }

    @Test
    void withTheCallTimeoutAsDeadlineABackoffThatCannotFinishInTimeReturnsTheAnswerAtOnce() throws IOException {
        warm(LoadBalancingInterceptor.builder().route("orders", orders).retry(retrying503(Duration.ofMillis(1500))).deadlineFromCallTimeout());
        client = client.newBuilder().callTimeout(1500, TimeUnit.MILLISECONDS).build();
        everyBackend(300, 503);
        long start = System.nanoTime();

        String answer = Clients.get(client, "http://orders/orders/42"); // without the deadline: "timeout" at 1.5 s

        assertThat(answer).startsWith("503 503 from ");
        assertThat(backends.totalRequests()).isEqualTo(1);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1400L);
    }

    @Test
    void aFloorNotShorterThanTheDeadlineIsRefused() {
        assertThatThrownBy(() -> LoadBalancingInterceptor.builder().deadline(Duration.ofMillis(100), Duration.ofMillis(100)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("minAttemptTime: PT0.1S (expected: shorter than the timeout PT0.1S");
    }
}
