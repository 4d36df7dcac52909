package io.github.loadbalancer4j.zookeeper;

import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

/** Real in-process ZooKeeper servers and clients with short timeouts, so the tests stay fast. */
final class ZookeeperTestServers {

    /** ZooKeeper's tick: sessions may last 2 to 20 ticks. */
    static final int TICK_MILLIS = 250;
    /** Session timeout of every client in the tests. */
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(3);
    /** Connection timeout of every client in the tests. */
    static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(1);

    private ZookeeperTestServers() {
    }

    /** @return a started server on a free port, its data deleted when closed */
    static TestingServer start() throws Exception {
        InstanceSpec spec = new InstanceSpec(null, -1, -1, -1, true, -1, TICK_MILLIS, -1);
        return new TestingServer(spec, true);
    }

    /** @return a started client with the tests' short timeouts */
    static CuratorFramework client(TestingServer server) {
        CuratorFramework client = CuratorFrameworkFactory.builder()
                .connectString(server.getConnectString())
                .sessionTimeoutMs((int) SESSION_TIMEOUT.toMillis())
                .connectionTimeoutMs((int) CONNECTION_TIMEOUT.toMillis())
                .retryPolicy(new RetryNTimes(3, 100))
                .waitForShutdownTimeoutMs(5_000)
                .build();
        client.start();
        return client;
    }

    /** @return a builder of the source of "orders" on its own client, with the tests' short timeouts */
    static ZookeeperInstanceSource.Builder source(TestingServer server) {
        return ZookeeperInstanceSource.builder("orders")
                .connectString(server.getConnectString())
                .sessionTimeout(SESSION_TIMEOUT)
                .connectionTimeout(CONNECTION_TIMEOUT)
                .retryPolicy(new RetryNTimes(3, 100));
    }
}
