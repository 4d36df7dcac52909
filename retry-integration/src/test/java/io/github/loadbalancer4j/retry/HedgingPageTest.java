package io.github.loadbalancer4j.retry;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.testing.LoopbackBackends;
import io.github.resilience4j.retry.Retry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The examples of docs/hedging.md, run against three MockWebServers on 127.0.0.11-13. */
class HedgingPageTest {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private LoopbackBackends backends;
    private LoadBalancer orders;

    @BeforeEach
    void start() throws IOException {
        backends = LoopbackBackends.http();
        orders = LoadBalancer.of("orders", InstanceSource.of(backends.instances()));
    }

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
        orders.close();
        backends.close();
    }

    @Test
    void hedgedCallsExample() {
        Hedging hedging = Hedging.of(orders, HedgingPolicy.custom()
                .delayAtPercentile(0.95, Duration.ofMillis(5))       // hedge a call slower than 95% of first attempts, never before 5 ms
                .maxHedges(1)
                .budget(RetryBudget.custom().name("orders-hedges").percentCanRetry(0.1).build())   // at most 10% more attempts
                .build());
        Supplier<CompletionStage<HttpResponse<String>>> getOrder = hedging.decorateCompletionStage(scheduler,
                instance -> http.sendAsync(HttpRequest.newBuilder(instance.uri("/orders/42")).build(),
                        HttpResponse.BodyHandlers.ofString()));      // the client's own future: cancelling it closes the connection

        HttpResponse<String> response = getOrder.get().toCompletableFuture().join();

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("127.0.0.1");
        assertThat(hedging.getMetrics().getNumberOfCalls()).isEqualTo(1);
        assertThat(hedging.getCurrentDelay()).isNull(); // fewer than 100 first attempts seen: no hedge yet
    }

    @Test
    void deadlineExample() {
        Retry retry = Retry.ofDefaults("orders");

        FailoverRetry failover = FailoverRetry.of(retry, orders).withDeadline(Duration.ofMillis(300));
        String order = failover.executeSupplier(instance -> {
            Duration left = Deadline.current().orElseThrow().timeLeft();   // this attempt's share of the 300 ms
            return httpGet(instance.uri("/orders/42"), left);
        });

        assertThat(order).startsWith("127.0.0.1");
    }

    private String httpGet(URI uri, Duration timeout) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(timeout).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
