package io.github.loadbalancer4j.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.loadbalancer4j.NoAvailableInstanceException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class FailoverPredicatesTest {

    private final Predicate<Throwable> anyCall = FailoverPredicates.safeForAnyCall();
    private final Predicate<Throwable> idempotent = FailoverPredicates.safeForIdempotentCalls();

    @Test
    void failuresBeforeTheRequestWasSentAreSafeForAnyCall() {
        CircuitBreaker open = CircuitBreaker.ofDefaults("downstream");
        open.transitionToOpenState();

        assertThat(new Throwable[] {
            new ConnectException("Connection refused"),
            new HttpConnectTimeoutException("HTTP connect timed out"),
            new SocketTimeoutException("Connect timed out"),
            new UnknownHostException("orders.invalid"),
            new NoRouteToHostException("No route to host"),
            CallNotPermittedException.createCallNotPermittedException(open),
        }).allMatch(anyCall).allMatch(idempotent);
    }

    @Test
    void failuresAfterTheRequestMayHaveBeenSentAreSafeOnlyForIdempotentCalls() {
        Throwable[] maybeProcessed = {
            new SocketTimeoutException("Read timed out"),
            new HttpTimeoutException("request timed out"),
            new TimeoutException("TimeLimiter 'orders' recorded a timeout exception."),
            new SocketException("Connection reset"),
            new EOFException("unexpected end of stream"),
        };

        assertThat(maybeProcessed).noneMatch(anyCall).allMatch(idempotent);
    }

    @Test
    void wrappedFailuresAreRecognisedThroughTheirCauses() {
        Throwable wrapped = new CompletionException(new UncheckedIOException(new ConnectException("Connection refused")));
        Throwable application = new IllegalStateException("order service failed", new SocketTimeoutException("Read timed out"));

        assertThat(anyCall).accepts(wrapped);
        assertThat(anyCall).rejects(application);
        assertThat(idempotent).accepts(application);
    }

    @Test
    void applicationFailuresAndNoAvailableInstanceAreNotFailedOver() {
        Throwable[] notFailover = {
            new IllegalArgumentException("bad order id"),
            new NoAvailableInstanceException("orders", "(0 known: discovery returned no instances)"),
            new IOException("disk full"),
        };

        assertThat(anyCall).rejects(notFailover[0], notFailover[1], notFailover[2]);
        assertThat(idempotent).rejects(notFailover[0], notFailover[1]);
    }

    @Test
    void serverErrorsAreFiveHundredToFiveNinetyNine() {
        Predicate<Integer> serverError = FailoverPredicates.serverError(status -> status);

        assertThat(serverError).accepts(500, 502, 503, 599).rejects(200, 404, 429, 600, null);
        assertThatThrownBy(() -> FailoverPredicates.serverError(null)).isInstanceOf(NullPointerException.class).hasMessage("status");
    }
}
