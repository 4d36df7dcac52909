package io.github.loadbalancer4j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.retry.FailoverRetry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.stream.Stream;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.junit.jupiter.api.Test;

/**
 * The quick start of {@code README.md}, verbatim and run. Its instances are the README's
 * 10.0.1.10-12, which no test can listen on, so the user's HTTP client ({@code http}) is a stand-in
 * that answers with the host it was given (and refuses connections for 10.0.1.11), and the OkHttp
 * client is answered by an interceptor placed behind ours instead of the network. Real servers answer
 * the same setups in {@link OkHttpPageTest}, {@link FailoverPageTest} and {@link LoadBalancerPageTest}.
 */
class QuickStartTest {

    /** What the README's {@code http.get} returns. */
    record Order(String servedBy) {
    }

    /** The README's {@code http}. */
    interface OrderClient {
        Order get(URI uri);
    }

    @Test
    void theQuickStartBalancesDecoratedCallsFailsOverAndRoutesOkHttpCalls() throws IOException {
        List<URI> asked = new CopyOnWriteArrayList<>();
        OrderClient http = uri -> {
            asked.add(uri);
            if (uri.getHost().equals("10.0.1.11")) {
                throw new UncheckedIOException(new ConnectException("Connection refused: " + uri));
            }
            return new Order(uri.getHost());
        };
        RetryRegistry retryRegistry = RetryRegistry.of(RetryConfig.custom().waitDuration(Duration.ofMillis(10)).build());

        LoadBalancer orders = LoadBalancer.of("orders",
                InstanceSource.ofUris("http://10.0.1.10:8080", "http://10.0.1.11:8080", "http://10.0.1.12:8080"));

        Supplier<Order> getOrder = LoadBalancer.decorateSupplier(orders, instance -> http.get(instance.uri("/orders/42")));
        Supplier<Order> resilient = FailoverRetry.decorateSupplier(retryRegistry.retry("orders"), orders,
                instance -> http.get(instance.uri("/orders/42")));      // each attempt goes to an instance not yet tried

        OkHttpClient client = new OkHttpClient.Builder()
                .addInterceptor(LoadBalancingInterceptor.builder().route("orders", orders).build())
                .build();                                               // http://orders/... is balanced over `orders`

        List<Order> resilientOrders = Stream.generate(resilient).limit(30).toList();
        List<Order> plainOrders = Stream.generate(getOrder).limit(5).toList();
        String routedTo = answeredByTheNextInterceptor(client, "http://orders/orders/42");

        assertThat(asked).extracting(URI::getHost).contains("10.0.1.11"); // tried, refused, moved on
        assertThat(resilientOrders).extracting(Order::servedBy).isSubsetOf("10.0.1.10", "10.0.1.12");
        assertThat(plainOrders).extracting(Order::servedBy)
                .as("peakEwma() counts the refused instance's failure as 5 s: it loses every pair")
                .isSubsetOf("10.0.1.10", "10.0.1.12");
        assertThat(routedTo).matches("http://10\\.0\\.1\\.1[0-2]:8080/orders/42");
        orders.close();
    }

    /** Sends a call through the client with one more interceptor behind ours that answers with the URL it got. */
    private static String answeredByTheNextInterceptor(OkHttpClient client, String url) throws IOException {
        OkHttpClient answering = client.newBuilder().addInterceptor(chain -> new Response.Builder()
                .request(chain.request()).protocol(Protocol.HTTP_1_1).code(200).message("OK")
                .body(ResponseBody.create(chain.request().url().toString(), MediaType.get("text/plain")))
                .build()).build();
        try (Response response = answering.newCall(new Request.Builder().url(url).build()).execute()) {
            return response.body().string();
        } finally {
            Clients.shutdown(answering);
        }
    }
}
