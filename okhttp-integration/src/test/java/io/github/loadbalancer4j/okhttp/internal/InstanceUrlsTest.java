package io.github.loadbalancer4j.okhttp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.loadbalancer4j.ServiceInstance;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

class InstanceUrlsTest {

    private final InstanceUrls urls = new InstanceUrls();

    @Test
    void keepsEverythingButHostAndPort() {
        HttpUrl url = HttpUrl.get("http://user:secret@orders/a%20b/c/?q=1&r=%2F#frag");

        HttpUrl rewritten = urls.rewrite(url, ServiceInstance.of("10.0.1.10", 8080));

        assertThat(rewritten.toString()).isEqualTo("http://user:secret@10.0.1.10:8080/a%20b/c/?q=1&r=%2F#frag");
    }

    @Test
    void sameUrlTwiceForTheSameInstance() {
        HttpUrl url = HttpUrl.get("http://orders/x");
        ServiceInstance instance = ServiceInstance.of("10.0.1.10", 8080);

        HttpUrl first = urls.rewrite(url, instance);
        HttpUrl second = urls.rewrite(HttpUrl.get("http://orders/y?z"), instance);

        assertThat(first.toString()).isEqualTo("http://10.0.1.10:8080/x");
        assertThat(second.toString()).isEqualTo("http://10.0.1.10:8080/y?z");
    }

    @Test
    void instanceThatKeptItsIdButMovedGoesToItsNewAddress() {
        HttpUrl url = HttpUrl.get("http://orders/x");
        urls.rewrite(url, ServiceInstance.builder("10.0.1.10", 8080).id("orders-1").build());

        HttpUrl moved = urls.rewrite(url, ServiceInstance.builder("10.0.1.99", 9090).id("orders-1").build());

        assertThat(moved.toString()).isEqualTo("http://10.0.1.99:9090/x");
    }

    @Test
    void ipv6AndNamedInstances() {
        HttpUrl url = HttpUrl.get("http://orders/x");

        assertThat(urls.rewrite(url, ServiceInstance.of("::1", 8080)).toString()).isEqualTo("http://[::1]:8080/x");
        assertThat(urls.rewrite(url, ServiceInstance.of("Inst1.SVC.test", 80)).toString()).isEqualTo("http://inst1.svc.test/x");
    }

    @Test
    void manyInstancesDoNotGrowTheCacheWithoutBound() {
        HttpUrl url = HttpUrl.get("http://orders/x");

        for (int i = 0; i < 3 * InstanceUrls.MAX_ENTRIES; i++) {
            assertThat(urls.rewrite(url, ServiceInstance.of("10.0." + (i / 250) + "." + (i % 250), 8080)).port()).isEqualTo(8080);
        }

        assertThat(urls.size()).isLessThanOrEqualTo(InstanceUrls.MAX_ENTRIES);
    }
}
