package io.github.loadbalancer4j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.health.HealthCheckConfig;
import io.github.loadbalancer4j.testing.LoopbackBackends;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import okhttp3.OkHttpClient;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OkHttpHealthCheckerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private LoopbackBackends backends;
    private OkHttpClient client = new OkHttpClient();

    @AfterEach
    void stop() {
        Clients.shutdown(client);
        if (backends != null) {
            backends.close();
        }
    }

    private static boolean healthy(CompletableFuture<Boolean> probe) throws Exception {
        return probe.get(10, TimeUnit.SECONDS);
    }

    @Test
    void serverFailingItsHealthPathIsUnhealthyAndHealthyAgainWhenItRecovers() throws Exception {
        backends = LoopbackBackends.http();
        LoopbackBackends.Backend b = backends.get(0);
        ServiceInstance instance = backends.instances().get(0);
        OkHttpHealthChecker checker = OkHttpHealthChecker.head(client, "/health");

        boolean before = healthy(checker.check(instance, TIMEOUT));
        b.behaviour(r -> new MockResponse.Builder().code(503).build());
        boolean failing = healthy(checker.check(instance, TIMEOUT));
        b.behaviour(r -> new MockResponse.Builder().code(204).build());
        boolean recovered = healthy(checker.check(instance, TIMEOUT));

        assertThat(before).isTrue();
        assertThat(failing).isFalse();
        assertThat(recovered).isTrue();
        assertThat(b.log()).hasSize(3).allSatisfy(r -> {
            assertThat(r.getMethod()).isEqualTo("HEAD");
            assertThat(r.getTarget()).isEqualTo("/health");
        });
    }

    @Test
    void loadBalancerTakesAServerOutWhenItsHealthFailsAndBringsItBack() throws Exception {
        backends = LoopbackBackends.http();
        LoopbackBackends.Backend sick = backends.get(1);
        ServiceInstance sickInstance = backends.instances().get(1);
        HealthCheckConfig healthCheck = HealthCheckConfig.custom(OkHttpHealthChecker.head(client, "/health"))
                .interval(Duration.ofMillis(400)).timeout(Duration.ofMillis(350))
                .unhealthyThreshold(2).healthyThreshold(2).build();
        LoadBalancer orders = LoadBalancer.of("orders", InstanceSource.of(backends.instances()),
                LoadBalancerConfig.custom().healthCheck(healthCheck).build());
        OkHttpClient routed = client.newBuilder()
                .addInterceptor(LoadBalancingInterceptor.builder().route("orders", orders).build()).build();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(orders.getInstances())
                .allSatisfy(s -> assertThat(s.health()).isEqualTo(InstanceStatus.Health.HEALTHY)));

        sick.behaviour(r -> new MockResponse.Builder().code(r.getTarget().equals("/health") ? 503 : 200).build());
        await().atMost(Duration.ofSeconds(10)).until(() -> !Clients.status(orders, sickInstance).available());
        int before = sick.log().size();
        for (int i = 0; i < 12; i++) {
            Clients.get(routed, "http://orders/work");
        }
        long workWhileOut = sick.log().stream().skip(before).filter(r -> r.getTarget().equals("/work")).count();
        sick.behaviour(r -> new MockResponse.Builder().code(200).build());
        await().atMost(Duration.ofSeconds(10)).until(() -> Clients.status(orders, sickInstance).available());

        assertThat(workWhileOut).isZero();
        assertThat(Clients.status(orders, sickInstance).health()).isEqualTo(InstanceStatus.Health.HEALTHY);
        assertThat(sick.log()).anySatisfy(r -> assertThat(r.getMethod()).isEqualTo("HEAD"));
        orders.close();
        Clients.shutdown(routed);
    }

    @Test
    void getProbesWithGetAndRedirectsAreNotFollowed() throws Exception {
        backends = LoopbackBackends.http();
        LoopbackBackends.Backend b = backends.get(1);
        OkHttpHealthChecker checker = OkHttpHealthChecker.get(client, "/ready?deep=true");
        b.behaviour(r -> new MockResponse.Builder().code(302).addHeader("Location", "/elsewhere").build());

        boolean redirected = healthy(checker.check(backends.instances().get(1), TIMEOUT));

        assertThat(redirected).isFalse();
        assertThat(b.log()).singleElement().satisfies(r -> {
            assertThat(r.getMethod()).isEqualTo("GET");
            assertThat(r.getTarget()).isEqualTo("/ready?deep=true");
        });
    }

    @Test
    void serverTooSlowForTheTimeoutIsUnhealthy() throws Exception {
        backends = LoopbackBackends.http();
        backends.get(0).behaviour(r -> new MockResponse.Builder().headersDelay(5, TimeUnit.SECONDS).build());
        OkHttpHealthChecker checker = OkHttpHealthChecker.head(client, "/health");
        long start = System.nanoTime();

        boolean healthy = healthy(checker.check(backends.instances().get(0), Duration.ofMillis(200)));

        assertThat(healthy).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void instanceNobodyListensOnIsUnhealthy() throws Exception {
        backends = LoopbackBackends.http();
        ServiceInstance gone = backends.instances().get(2);
        backends.get(2).close();

        boolean healthy = healthy(OkHttpHealthChecker.head(client, "/health").check(gone, TIMEOUT));

        assertThat(healthy).isFalse();
    }

    @Test
    void httpsInstancesAreProbedUnderTheLogicalHost() throws Exception {
        HeldCertificate root = new HeldCertificate.Builder().certificateAuthority(0).build();
        HeldCertificate cert = new HeldCertificate.Builder().addSubjectAlternativeName("orders.test").signedBy(root).build();
        backends = LoopbackBackends.https(new HandshakeCertificates.Builder().heldCertificate(cert).build().sslSocketFactory());
        HandshakeCertificates trust = new HandshakeCertificates.Builder().addTrustedCertificate(root.certificate()).build();
        client = new OkHttpClient.Builder().sslSocketFactory(trust.sslSocketFactory(), trust.trustManager()).build();
        ServiceInstance secure = ServiceInstance.builder("127.0.0.13", backends.port()).secure(true).build();

        boolean underServiceName = healthy(OkHttpHealthChecker.builder(client).logicalHost("orders.test").build()
                .check(secure, TIMEOUT));
        boolean underAddress = healthy(OkHttpHealthChecker.head(client, "/health").check(secure, TIMEOUT));

        assertThat(underServiceName).isTrue();
        assertThat(underAddress).isFalse(); // the certificate names orders.test, not 127.0.0.13
        assertThat(backends.get(2).log()).singleElement()
                .satisfies(r -> assertThat(r.getHandshakeServerNames()).containsExactly("orders.test"));
    }

    @Test
    void probesBypassALoadBalancingInterceptorOnTheClient() throws Exception {
        backends = LoopbackBackends.http();
        LoadBalancer elsewhere = LoadBalancer.of("elsewhere", InstanceSource.of(backends.instances().get(1)));
        client = new OkHttpClient.Builder()
                .addInterceptor(LoadBalancingInterceptor.builder().route("127.0.0.11", elsewhere).build()).build();

        boolean healthy = healthy(OkHttpHealthChecker.head(client, "/health").check(backends.instances().get(0), TIMEOUT));

        assertThat(healthy).isTrue();
        assertThat(backends.get(0).log()).hasSize(1);
        assertThat(backends.get(1).log()).isEmpty();
        elsewhere.close();
    }

    @Test
    void argumentsAreChecked() throws IOException {
        OkHttpHealthChecker checker = OkHttpHealthChecker.head(client, "/health");

        assertThatThrownBy(() -> OkHttpHealthChecker.head(client, "health"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("path: 'health' (expected: a path starting with '/')");
        assertThatThrownBy(() -> checker.check(ServiceInstance.of("127.0.0.11", 80), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeout: PT0S (expected: > 0)");
        assertThatThrownBy(() -> OkHttpHealthChecker.builder(client).logicalHost("https://orders"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("host: 'https://orders' (expected: a host name without scheme, port or path)");
    }
}
