package io.github.loadbalancer4j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.retry.FailoverPredicates;
import io.github.loadbalancer4j.retry.FailoverRetry;
import io.github.loadbalancer4j.retry.RetryBudget;
import io.github.loadbalancer4j.retry.event.RetryBudgetExhaustedEvent;
import io.github.loadbalancer4j.testing.LoopbackBackends;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first four examples of {@code docs/failover.md}, verbatim, run against three HTTP servers on
 * 127.0.0.11-13 (the composition with {@code Decorators} runs in retry-integration's
 * {@code DecoratorsCompositionTest}).
 */
class FailoverPageTest {

    private static final Logger log = LoggerFactory.getLogger(FailoverPageTest.class);

    @Test
    void everyOrderIsPlacedWhileOneInstanceRefusesConnections() throws Exception {
        try (LoopbackBackends backends = LoopbackBackends.http(); Http http = new Http()) {
            backends.get(1).close(); // nothing listens on 127.0.0.12 any more: connections are refused
            InstanceSource source = InstanceSource.of(backends.instances());

            LoadBalancer orders = LoadBalancer.of("orders", source);
            RetryRegistry retries = RetryRegistry.of(RetryConfig.custom()
                    .maxAttempts(3)
                    .waitDuration(Duration.ofMillis(50))
                    .retryOnException(FailoverPredicates.safeForAnyCall())   // never reached the service: safe even for a POST
                    .build());
            RetryBudget budget = RetryBudget.ofDefaults("orders");          // one per service, shared by its calls
            budget.getEventPublisher().onExhausted(event -> log.warn("{}", event));

            Supplier<String> placeOrder = FailoverRetry.of(retries.retry("orders"), orders).withBudget(budget)
                    .decorateSupplier(instance -> http.post(instance.uri("/orders"), "{\"item\": 42}"));   // connection refused: the next attempt goes elsewhere

            List<String> placed = Stream.generate(placeOrder).limit(6).toList();         // six orders placed, none lost

            assertThat(placed).hasSize(6).isSubsetOf("127.0.0.11", "127.0.0.13");
            assertThat(backends.get(0).log().size() + backends.get(2).log().size()).as("each order posted once").isEqualTo(6);
            assertThat(backends.get(0).log()).allSatisfy(r -> assertThat(r.getMethod()).isEqualTo("POST"));
            orders.close();
        }
    }

    @Test
    void theAsynchronousVariantCompletesOnAnInstanceThatAnswers() throws Exception {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (LoopbackBackends backends = LoopbackBackends.http(); Http http = new Http()) {
            backends.get(1).close();
            LoadBalancer orders = LoadBalancer.of("orders", InstanceSource.of(backends.instances()));
            Retry retry = Retry.of("orders", RetryConfig.custom().waitDuration(Duration.ofMillis(10)).build());
            RetryBudget budget = RetryBudget.unlimited();

            Supplier<CompletionStage<String>> getOrder = FailoverRetry.of(retry, orders).withBudget(budget)
                    .decorateCompletionStage(scheduler, instance -> http.getAsync(instance.uri("/orders/42")));

            List<String> answers = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                answers.add(getOrder.get().toCompletableFuture().get(10, TimeUnit.SECONDS));
            }
            assertThat(answers).hasSize(6).isSubsetOf("127.0.0.11", "127.0.0.13");
            assertThat(retry.getMetrics().getNumberOfFailedCallsWithRetryAttempt()).isZero();
            orders.close();
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void aBudgetGrantsItsFloorThenRefusesAndSaysSo() {
        List<RetryBudgetExhaustedEvent> refusals = new CopyOnWriteArrayList<>();

        RetryBudget budget = RetryBudget.custom()
                .percentCanRetry(0.2)          // a fraction: 0.2 is 20% (0.0-10.0)
                .minRetriesPerSecond(10)
                .ttl(Duration.ofSeconds(10))   // 1-60 s
                .build();
        budget.getEventPublisher().onExhausted(event -> log.warn("{}", event));   // one event per refused retry
        budget.getBalance(); budget.getNumberOfRefusedRetries(); budget.getNumberOfGrantedRetries();

        budget.getEventPublisher().onExhausted(refusals::add);
        int granted = 0;
        for (int i = 0; i < 101; i++) {
            granted += budget.tryWithdraw() ? 1 : 0;
        }
        assertThat(granted).as("without calls, the floor: 10 a second over 10 s").isEqualTo(100);
        assertThat(budget.getNumberOfGrantedRetries()).isEqualTo(100);
        assertThat(budget.getNumberOfRefusedRetries()).isEqualTo(1);
        assertThat(refusals).hasSize(1);
    }

    @Test
    void idempotentCallsMoveOnFromServerErrorsAndReadTimeouts() throws Exception {
        try (LoopbackBackends backends = LoopbackBackends.http()) {
            backends.get(0).behaviour(r -> new MockResponse.Builder().code(503).body("busy").build());
            HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

            RetryConfig idempotent = RetryConfig.<HttpResponse<String>>custom()
                    .maxAttempts(3)
                    .retryOnException(FailoverPredicates.safeForIdempotentCalls())
                    .retryOnResult(FailoverPredicates.serverError(HttpResponse::statusCode))
                    .build();

            LoadBalancer orders = LoadBalancer.of("orders", InstanceSource.of(backends.instances()));
            Retry retry = Retry.of("orders", RetryConfig.<HttpResponse<String>>from(idempotent).waitDuration(Duration.ofMillis(10)).build());
            Supplier<HttpResponse<String>> getOrder = FailoverRetry.of(retry, orders).withBudget(RetryBudget.unlimited()).decorateSupplier(instance -> send(jdk, instance.uri("/orders/42")));
            List<Integer> statuses = Stream.generate(getOrder).limit(6).map(HttpResponse::statusCode).toList();
            assertThat(statuses).containsOnly(200);
            assertThat(idempotent.getExceptionPredicate().test(new SocketTimeoutException("Read timed out"))).isTrue();
            assertThat(idempotent.getExceptionPredicate().test(new IllegalStateException("a bug"))).isFalse();
            orders.close();
        }
    }

    private static HttpResponse<String> send(HttpClient client, URI uri) {
        try {
            return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
