package io.github.loadbalancer4j.zookeeper;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;

class ZookeeperInstanceSourceBuilderTest {

    @Test
    void blankOrNestedServiceNameIsRejected() {
        assertThatThrownBy(() -> ZookeeperInstanceSource.builder(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("serviceName: ' ' (expected: a non-blank name without '/')");
        assertThatThrownBy(() -> ZookeeperInstanceSource.builder("a/b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("serviceName: 'a/b' (expected: a non-blank name without '/')");
    }

    @Test
    void badSettingsAreRejectedWhereTheyEnter() {
        ZookeeperInstanceSource.Builder builder = ZookeeperInstanceSource.builder("orders");

        assertThatThrownBy(() -> builder.basePath("services"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("basePath: 'services' (expected: an absolute ZooKeeper path such as /services)");
        assertThatThrownBy(() -> builder.connectString(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("connectString: '' (expected: host:port[,host:port...][/chroot])");
        assertThatThrownBy(() -> builder.connectString("zk1:2181/bad//chroot"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("connectString: 'zk1:2181/bad//chroot' (expected: host:port[,host:port...][/chroot]): ");
        assertThatThrownBy(() -> builder.sessionTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sessionTimeout: PT0S (expected: > 0)");
        assertThatThrownBy(() -> builder.connectionTimeout(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("connectionTimeout: PT-0.001S (expected: > 0)");
        assertThatThrownBy(() -> builder.initialLoadTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("initialLoadTimeout: PT-1S (expected: >= 0)");
        assertThatThrownBy(() -> builder.mapper(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("mapper");
    }

    @Test
    void neitherClientNorConnectStringFailsInBuild() {
        assertThatThrownBy(() -> ZookeeperInstanceSource.builder("orders").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Neither client(...) nor connectString(...) was set (expected: exactly one)");
    }

    @Test
    void clientAndConnectStringTogetherFailInBuild() {
        CuratorFramework client = unstartedClient();

        assertThatThrownBy(() -> ZookeeperInstanceSource.builder("orders").client(client).connectString("127.0.0.1:2181").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Both client(...) and connectString(...) were set (expected: exactly one)");
    }

    @Test
    void ownClientSettingsWithAGivenClientFailInBuild() {
        CuratorFramework client = unstartedClient();

        assertThatThrownBy(() -> ZookeeperInstanceSource.builder("orders").client(client).sessionTimeout(Duration.ofSeconds(5)).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("sessionTimeout(...) conflicts with client(...): it applies only to the client built from"
                        + " connectString(...); configure the CuratorFramework you pass instead");
        assertThatThrownBy(() -> ZookeeperInstanceSource.builder("orders").client(client).retryPolicy(new RetryOneTime(1)).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("retryPolicy(...) conflicts with client(...)");
    }

    @Test
    void unstartedClientFailsInBuild() {
        CuratorFramework client = unstartedClient();

        assertThatThrownBy(() -> ZookeeperInstanceSource.builder("orders").client(client).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("client: LATENT (expected: a STARTED CuratorFramework; call start() first)");
    }

    @Test
    void badMapperKeysAreRejected() {
        assertThatThrownBy(() -> ZookeeperInstanceMapper.builder().weightKey(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("weightKey: '' (expected: a non-blank metadata key)");
        assertThatThrownBy(() -> ZookeeperInstanceMapper.builder().statusKey(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("statusKey: ' ' (expected: a non-blank metadata key)");
    }

    private static CuratorFramework unstartedClient() {
        return CuratorFrameworkFactory.newClient("127.0.0.1:1", new RetryOneTime(1));
    }
}
