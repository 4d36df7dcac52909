package io.github.loadbalancer4j.okhttp;

import static io.github.loadbalancer4j.okhttp.Clients.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.testing.LoopbackBackends;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLPeerUnverifiedException;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoadBalancingInterceptorHttpsTest {

    private final HeldCertificate root = new HeldCertificate.Builder().certificateAuthority(0).commonName("test root").build();
    private final HandshakeCertificates clientTls = new HandshakeCertificates.Builder()
            .addTrustedCertificate(root.certificate()).build();
    private LoopbackBackends backends;
    private LoadBalancer orders;
    private OkHttpClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            Clients.shutdown(client);
        }
        if (orders != null) {
            orders.close();
        }
        if (backends != null) {
            backends.close();
        }
    }

    private void startWithCertificateFor(String name, EventListener listener) throws IOException {
        HeldCertificate serverCert = new HeldCertificate.Builder().addSubjectAlternativeName(name).commonName(name)
                .signedBy(root).build();
        HandshakeCertificates serverTls = new HandshakeCertificates.Builder().heldCertificate(serverCert).build();
        backends = LoopbackBackends.https(serverTls.sslSocketFactory());
        orders = Clients.loadBalancer(backends.instances());
        Retry retry = Retry.of("orders", RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ofMillis(10)).build());
        client = new OkHttpClient.Builder()
                .sslSocketFactory(clientTls.sslSocketFactory(), clientTls.trustManager())
                .eventListener(listener)
                .addInterceptor(LoadBalancingInterceptor.builder().route("orders.test", orders).retry(retry).build())
                .build();
    }

    @Test
    void httpsCallsNameTheServiceInSniAndHostWhileGoingToEachInstance() throws IOException {
        startWithCertificateFor("orders.test", EventListener.NONE);
        List<String> answers = new ArrayList<>();

        for (int i = 0; i < 30; i++) {
            answers.add(get(client, "https://orders.test/orders/42"));
        }

        assertThat(answers).containsOnly("200 127.0.0.11", "200 127.0.0.12", "200 127.0.0.13");
        for (LoopbackBackends.Backend b : backends.all()) {
            assertThat(b.log()).hasSize(10).allSatisfy(r -> {
                assertThat(r.getHandshakeServerNames()).containsExactly("orders.test");
                assertThat(r.getVersion()).isEqualTo("HTTP/2");
                assertThat(r.getHeaders().get(":authority")).isEqualTo("orders.test:" + backends.port()); // HTTP/2's Host
                assertThat(r.getTarget()).isEqualTo("/orders/42");
            });
            assertThat(b.connections()).as("connections to %s", b.address()).isEqualTo(1);
        }
        assertThat(Clients.interceptorsOf(client).get(0).connectionCount()).isEqualTo(3); // one pool per instance
        assertThat(client.connectionPool().connectionCount()).isZero();
    }

    @Test
    void httpsOverHttp1SendsTheServiceNameAsHost() throws IOException {
        startWithCertificateFor("orders.test", EventListener.NONE);
        OkHttpClient http1 = client.newBuilder().protocols(List.of(Protocol.HTTP_1_1)).build();

        for (int i = 0; i < 6; i++) {
            get(http1, "https://orders.test/x");
        }

        for (LoopbackBackends.Backend b : backends.all()) {
            assertThat(b.log()).hasSize(2).allSatisfy(r -> {
                assertThat(r.getVersion()).isEqualTo("HTTP/1.1");
                assertThat(r.getHandshakeServerNames()).containsExactly("orders.test");
                assertThat(r.getHeaders().get("Host")).isEqualTo("orders.test:" + backends.port());
            });
            assertThat(b.connections()).isEqualTo(1);
        }
    }

    @Test
    void certificateForAnotherNameFailsAndIsNotRetried() throws IOException {
        AtomicInteger connects = new AtomicInteger();
        startWithCertificateFor("other.test", new EventListener() {
            @Override
            public void connectStart(Call call, java.net.InetSocketAddress address, java.net.Proxy proxy) {
                connects.incrementAndGet();
            }
        });

        assertThatThrownBy(() -> get(client, "https://orders.test/orders/42"))
                .isInstanceOf(SSLPeerUnverifiedException.class)
                .hasMessageContaining("orders.test");

        assertThat(connects).hasValue(1);
        assertThat(backends.totalRequests()).isZero();
        assertThat(orders.getInstances().stream().mapToInt(s -> s.circuitBreaker().getMetrics().getNumberOfFailedCalls()).sum())
                .isEqualTo(1);
    }
}
