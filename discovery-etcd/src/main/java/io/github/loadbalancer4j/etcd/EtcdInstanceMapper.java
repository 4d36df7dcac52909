package io.github.loadbalancer4j.etcd;

import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.etcd.internal.StandardInstanceMapper;
import org.jspecify.annotations.Nullable;

/**
 * Turns one key under the prefix, and its value, into a loadbalancer4j {@link ServiceInstance}.
 *
 * <p>Return null to leave a key out on purpose (a key that is not an instance, an instance marked
 * down); it is not reported. Throw (for instance the {@link IllegalArgumentException} of
 * {@link ServiceInstance.Builder}) when the value cannot make an instance: the source skips the key
 * and reports an {@link UnreadableEntryException}. A mapper is called on the source's own thread,
 * once per change of a key and for every key at each full read; it must not block.
 *
 * <pre>{@code
 * // values such as "10.0.1.10 8080 eu-1"
 * EtcdInstanceMapper spaced = (key, value) -> {
 *     String[] parts = value.trim().split("\\s+");
 *     return ServiceInstance.builder(parts[0], Integer.parseInt(parts[1])).zone(parts[2]).build();
 * };
 * }</pre>
 */
@FunctionalInterface
public interface EtcdInstanceMapper {

    /**
     * Maps one key.
     *
     * @param key the whole key, e.g. {@code /services/orders/10.0.1.10:8080}
     * @param value the key's value, decoded as UTF-8
     * @return the instance, or null to leave this key out without reporting it
     * @throws RuntimeException when the value cannot make an instance; the key is skipped and reported
     */
    @Nullable ServiceInstance map(String key, String value);

    /**
     * The standard mapping. The value (surrounding whitespace ignored) is one of:
     * <ul>
     *   <li>{@code host:port}, as go-kit's {@code sd/etcdv3} registrar writes it ({@code [v6 address]:port}
     *       for IPv6): a plain-http instance;</li>
     *   <li>{@code http://host:port} or {@code https://host:port} (then the instance is {@code secure});
     *       a missing port is the scheme's default;</li>
     *   <li>a JSON object, whose address is the first of: {@code "uri"} (an http(s) URI),
     *       {@code "address"} or etcd's gRPC naming {@code "Addr"} ({@code host:port} or a URI),
     *       {@code "host"} with {@code "port"}; and optionally {@code "secure"} (boolean),
     *       {@code "weight"} (an integer {@code >= 0}, default 1), {@code "zone"} (a string) and
     *       {@code "metadata"} or {@code "Metadata"} (an object: its string values are kept as they are,
     *       other values as JSON text, nulls dropped; metadata that is not an object is ignored).</li>
     * </ul>
     * The instance id is {@code host:port}, as for any instance, so that an instance registered again
     * under another key keeps its circuit breaker.
     *
     * @return the standard mapper
     */
    static EtcdInstanceMapper standard() {
        return StandardInstanceMapper.INSTANCE;
    }
}
