package io.github.loadbalancer4j.zookeeper;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.jspecify.annotations.Nullable;

/**
 * The registering side, as a service instance (or Spring Cloud Zookeeper) does it: Curator's
 * {@code ServiceDiscovery} with its JSON serializer, on a client of its own.
 */
final class Registrar implements AutoCloseable {

    static final String SERVICE = "orders";

    private final CuratorFramework client;
    private final ServiceDiscovery<ZookeeperInstancePayload> discovery;

    Registrar(TestingServer server) throws Exception {
        this.client = ZookeeperTestServers.client(server);
        this.discovery = ServiceDiscoveryBuilder.builder(ZookeeperInstancePayload.class)
                .client(client)
                .basePath(ZookeeperInstanceSource.DEFAULT_BASE_PATH)
                .serializer(new JsonInstanceSerializer<>(ZookeeperInstancePayload.class))
                .build();
        discovery.start();
        // Curator starts its notification thread on first use and never ends it: start it now, so
        // that thread counts taken later do not see it appear.
        client.runSafe(() -> { }).get();
    }

    ServiceInstance<ZookeeperInstancePayload> register(String address, int port) throws Exception {
        return register(address, port, null, Map.of());
    }

    ServiceInstance<ZookeeperInstancePayload> register(String address, int port, @Nullable Integer sslPort,
            Map<String, String> metadata) throws Exception {
        ServiceInstance<ZookeeperInstancePayload> instance = ServiceInstance.<ZookeeperInstancePayload>builder()
                .name(SERVICE)
                .address(address)
                .port(port)
                .payload(new ZookeeperInstancePayload(SERVICE, metadata))
                .build();
        if (sslPort != null) {
            instance = ServiceInstance.<ZookeeperInstancePayload>builder()
                    .name(SERVICE)
                    .id(instance.getId())
                    .address(address)
                    .port(port)
                    .sslPort(sslPort)
                    .payload(instance.getPayload())
                    .build();
        }
        discovery.registerService(instance);
        return instance;
    }

    /** @return the bytes Curator writes for a registration at {@code address:port} */
    static byte[] json(String address, int port) throws Exception {
        ServiceInstance<ZookeeperInstancePayload> instance = ServiceInstance.<ZookeeperInstancePayload>builder()
                .name(SERVICE)
                .address(address)
                .port(port)
                .payload(new ZookeeperInstancePayload(SERVICE, Map.of()))
                .build();
        return new JsonInstanceSerializer<>(ZookeeperInstancePayload.class).serialize(instance);
    }

    void unregister(ServiceInstance<ZookeeperInstancePayload> instance) throws Exception {
        discovery.unregisterService(instance);
    }

    /** Writes a node under the service as it is, as a foreign or broken registrar could. */
    void writeRaw(String nodeName, String data) throws Exception {
        writeRaw(nodeName, data.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes an ephemeral node under the service, outside Curator's {@code ServiceDiscovery}: nothing
     * registers it again after a reconnection.
     */
    void writeRaw(String nodeName, byte[] data) throws Exception {
        client.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
                .forPath("/services/" + SERVICE + "/" + nodeName, data);
    }

    /** Deletes a node written with {@link #writeRaw}; one already gone (its session expired) is fine. */
    void deleteRaw(String nodeName) throws Exception {
        try {
            client.delete().forPath("/services/" + SERVICE + "/" + nodeName);
        } catch (KeeperException.NoNodeException e) {
            // gone with its session
        }
    }

    CuratorFramework client() {
        return client;
    }

    @Override
    public void close() throws Exception {
        if (client.getZookeeperClient().isConnected()) {
            discovery.close(); // unregisters what is still registered
        }
        client.close();
    }
}
