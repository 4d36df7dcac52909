package io.github.loadbalancer4j.okhttp;

import static io.github.loadbalancer4j.okhttp.Clients.breakerOf;
import static io.github.loadbalancer4j.okhttp.Clients.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.event.EjectionReason;
import io.github.loadbalancer4j.event.InstanceEjectedEvent;
import io.github.loadbalancer4j.event.InstanceRestoredEvent;
import io.github.loadbalancer4j.event.LoadBalancerEvent;
import io.github.loadbalancer4j.testing.BackgroundWorkOnTestThread;
import io.github.loadbalancer4j.testing.LoopbackBackends;
import io.github.loadbalancer4j.testing.MutableClock;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * 429 and 503 answers with {@code Retry-After} against three real servers: the instance is held out
 * for the time asked (capped), the others take the calls, and failover moves on without waiting.
 * The load balancer (round robin) and the interceptor read a {@link MutableClock}, so the hold's
 * end is reached by moving the clock, not by waiting.
 */
@ExtendWith(BackgroundWorkOnTestThread.class) // calls run on the test thread, in the test clock's time
class LoadBalancingInterceptorRetryAfterTest {

    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private final MutableClock clock = new MutableClock();
    private final List<LoadBalancerEvent> events = new CopyOnWriteArrayList<>();
    private LoopbackBackends backends;
    private LoopbackBackends.Backend limited;
    private LoadBalancer orders;

    @BeforeEach
    void start() throws IOException {
        backends = LoopbackBackends.http();
        limited = backends.get(0);
        orders = LoadBalancer.of("orders", InstanceSource.of(backends.instances()), LoadBalancerConfig.custom()
                .selectionStrategy(SelectionStrategy.roundRobin()).clock(clock).ticker(clock.ticker()).build());
        orders.getEventPublisher().onInstanceEjected(events::add).onInstanceRestored(events::add);
    }

    @AfterEach
    void stop() {
        orders.close();
        backends.close();
    }

    private OkHttpClient client(LoadBalancingInterceptor.Builder interceptor) {
        return new OkHttpClient.Builder().addInterceptor(interceptor.clock(clock).build()).build();
    }

    private LoadBalancingInterceptor.Builder interceptor() {
        return LoadBalancingInterceptor.builder().route("orders", orders);
    }

    private static MockResponse answer(int code, String retryAfter) {
        return new MockResponse.Builder().code(code).setHeader("Retry-After", retryAfter).body("busy").build();
    }

    /** Calls until the limited backend has answered once; every answer is collected. */
    private List<String> callUntilLimitedAnswered(OkHttpClient client) throws IOException {
        List<String> answers = new ArrayList<>();
        while (limited.log().isEmpty() && answers.size() < 10) {
            answers.add(get(client, "http://orders/items"));
        }
        assertThat(limited.log()).hasSize(1);
        return answers;
    }

    private List<String> call(OkHttpClient client, int times) throws IOException {
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            answers.add(get(client, "http://orders/items"));
        }
        return answers;
    }

    private List<EjectionReason> ejections() {
        return events.stream().filter(e -> e instanceof InstanceEjectedEvent).map(e -> ((InstanceEjectedEvent) e).getReason())
                .collect(java.util.stream.Collectors.toList());
    }

    private long restorations() {
        return events.stream().filter(e -> e instanceof InstanceRestoredEvent).count();
    }

    @Test
    void tooManyRequestsWithRetryAfterSecondsHoldsTheInstanceOutUntilTheTimeIsUp() throws IOException {
        OkHttpClient client = client(interceptor());
        limited.behaviour(r -> answer(429, "2"));

        assertThat(callUntilLimitedAnswered(client)).contains("429 busy");
        List<String> held = call(client, 20);
        clock.advance(Duration.ofMillis(1_999));
        held.addAll(call(client, 10));
        List<EjectionReason> ejectedDuringHold = ejections();
        limited.behaviour(r -> new MockResponse.Builder().body("back").build());
        clock.advance(Duration.ofMillis(1));
        List<String> after = call(client, 6);

        assertThat(held).hasSize(30).containsOnly("200 127.0.0.12", "200 127.0.0.13");
        assertThat(ejectedDuringHold).containsExactly(EjectionReason.RETRY_AFTER);
        assertThat(after).contains("200 back");
        assertThat(restorations()).isEqualTo(1);
        assertThat(breakerOf(orders, backends.instances().get(0)).getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
        Clients.shutdown(client);
    }

    @Test
    void serviceUnavailableWithRetryAfterAsAnHttpDateHoldsTheInstanceUntilThatDate() throws IOException {
        OkHttpClient client = client(interceptor());
        String inThreeSeconds = IMF_FIXDATE.format(clock.instant().plusSeconds(3));
        limited.behaviour(r -> answer(503, inThreeSeconds));

        callUntilLimitedAnswered(client);
        clock.advance(Duration.ofMillis(2_999));
        List<String> held = call(client, 10);
        limited.behaviour(r -> new MockResponse.Builder().body("back").build());
        clock.advance(Duration.ofMillis(1));
        List<String> after = call(client, 6);

        assertThat(held).containsOnly("200 127.0.0.12", "200 127.0.0.13");
        assertThat(ejections()).containsExactly(EjectionReason.RETRY_AFTER);
        assertThat(after).contains("200 back");
        Clients.shutdown(client);
    }

    @Test
    void theHoldIsCappedByMaxRetryAfter() throws IOException {
        OkHttpClient client = client(interceptor().maxRetryAfter(Duration.ofSeconds(5)));
        limited.behaviour(r -> answer(429, "3600"));

        callUntilLimitedAnswered(client);
        clock.advance(Duration.ofMillis(4_999));
        List<String> held = call(client, 10);
        limited.behaviour(r -> new MockResponse.Builder().body("back").build());
        clock.advance(Duration.ofMillis(1));
        List<String> after = call(client, 6);

        assertThat(held).containsOnly("200 127.0.0.12", "200 127.0.0.13");
        assertThat(after).contains("200 back");
        assertThat(restorations()).isEqualTo(1);
        Clients.shutdown(client);
    }

    @Test
    void anUnreadableRetryAfterHoldsNothingButTheStatusStillCountsAsAFailure() throws IOException {
        OkHttpClient client = client(interceptor());
        limited.behaviour(r -> answer(429, "in a little while"));

        callUntilLimitedAnswered(client);
        List<String> next = call(client, 6);

        assertThat(next).contains("429 busy");
        assertThat(ejections()).isEmpty();
        assertThat(breakerOf(orders, backends.instances().get(0)).getMetrics().getNumberOfFailedCalls()).isEqualTo(3);
        Clients.shutdown(client);
    }

    @Test
    void maxRetryAfterZeroTurnsHoldingOff() throws IOException {
        OkHttpClient client = client(interceptor().maxRetryAfter(Duration.ZERO));
        limited.behaviour(r -> answer(429, "2"));

        callUntilLimitedAnswered(client);
        List<String> next = call(client, 6);

        assertThat(next).contains("429 busy");
        assertThat(ejections()).isEmpty();
        Clients.shutdown(client);
    }

    @Test
    void tooManyRequestsLeftOutOfTheFailureStatusesHoldsNothing() throws IOException {
        OkHttpClient client = client(interceptor().failureStatus(code -> code >= 500 && code <= 599));
        limited.behaviour(r -> answer(429, "2"));

        callUntilLimitedAnswered(client);
        List<String> next = call(client, 6);

        assertThat(next).contains("429 busy");
        assertThat(ejections()).isEmpty();
        assertThat(breakerOf(orders, backends.instances().get(0)).getMetrics().getNumberOfFailedCalls()).isZero();
        Clients.shutdown(client);
    }

    @Test
    void failoverMovesToAnotherInstanceAtOnceAfterAResponseThatHeldItsInstance() throws IOException {
        Retry oneMinuteApart = Retry.of("orders", RetryConfig.<Response>custom().maxAttempts(3)
                .waitDuration(Duration.ofMinutes(1)).retryOnResult(r -> r.code() == 429).build());
        OkHttpClient client = client(interceptor().retry(oneMinuteApart)).newBuilder()
                .callTimeout(10, TimeUnit.SECONDS).build(); // a wait of a minute would fail the call
        backends.get(0).behaviour(r -> answer(429, "30"));
        backends.get(1).behaviour(r -> answer(429, "30"));
        long start = System.nanoTime();

        List<String> answers = call(client, 3);

        assertThat(answers).containsOnly("200 127.0.0.13");
        assertThat(backends.get(0).log()).hasSize(1);
        assertThat(backends.get(1).log()).hasSize(1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        Clients.shutdown(client);
    }

    @Test
    void aRetriedTooManyRequestsWithoutRetryAfterStillWaitsTheRetrysInterval() {
        Retry oneMinuteApart = Retry.of("orders", RetryConfig.<Response>custom().maxAttempts(3)
                .waitDuration(Duration.ofMinutes(1)).retryOnResult(r -> r.code() == 429).build());
        OkHttpClient client = client(interceptor().retry(oneMinuteApart)).newBuilder()
                .callTimeout(500, TimeUnit.MILLISECONDS).build();
        backends.all().forEach(b -> b.behaviour(r -> new MockResponse.Builder().code(429).build()));

        assertThatThrownBy(() -> get(client, "http://orders/items")).isInstanceOf(InterruptedIOException.class);

        assertThat(backends.totalRequests()).isEqualTo(1);
        Clients.shutdown(client);
    }
}
