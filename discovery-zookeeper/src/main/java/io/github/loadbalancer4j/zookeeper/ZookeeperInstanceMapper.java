package io.github.loadbalancer4j.zookeeper;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.zookeeper.internal.StandardInstanceMapper;
import org.jspecify.annotations.Nullable;

/**
 * Turns one Curator registration into a loadbalancer4j {@link ServiceInstance}.
 *
 * <p>The registration is Curator's {@code org.apache.curator.x.discovery.ServiceInstance} with its
 * payload as a JSON tree: whatever the registering side's payload class was (Spring Cloud's
 * {@code ZookeeperInstance}, a {@code Map}, your own class), it is read without that class on the
 * classpath. The payload is never null: a registration without one has a JSON {@code null} node.
 *
 * <p>Return null to leave a registration out on purpose (disabled, out of service); it is not
 * reported. Throw (for instance the {@link IllegalArgumentException} of
 * {@link ServiceInstance.Builder}) when the registration cannot make an instance: the source skips it
 * and reports an {@link UnreadableRegistrationException}. A mapper is called on Curator's event
 * thread, once per change of a node; it must not block.
 *
 * <p>{@link #standard()} reads the shapes in common use; {@link #builder()} changes its keys.
 */
@FunctionalInterface
public interface ZookeeperInstanceMapper {

    /** The payload metadata key read as the weight by the standard mapper. */
    String DEFAULT_WEIGHT_KEY = "weight";

    /** The payload metadata key read as the zone by the standard mapper. */
    String DEFAULT_ZONE_KEY = "zone";

    /**
     * The payload metadata key read as the status by the standard mapper: Spring Cloud Zookeeper's
     * {@code instance_status} ({@code UP}, {@code OUT_OF_SERVICE}).
     */
    String DEFAULT_STATUS_KEY = "instance_status";

    /**
     * Maps one registration.
     *
     * @param registration the registration; its payload is a JSON node, never null
     * @return the instance, or null to leave this registration out without reporting it
     * @throws RuntimeException when the registration cannot make an instance; the node is skipped and reported
     */
    @Nullable ServiceInstance map(org.apache.curator.x.discovery.ServiceInstance<JsonNode> registration);

    /**
     * The standard mapping, with the default keys:
     * <ul>
     *   <li>host: the registration's {@code address}; port: its {@code sslPort} (then the instance is
     *       {@code secure}, https) or else its {@code port};</li>
     *   <li>metadata: the payload's {@code metadata} object when it has one (Spring Cloud Zookeeper's
     *       {@code ZookeeperInstance}), else the payload object's own fields (a {@code Map} payload),
     *       without Jackson's {@code @class}; values that are not strings are written as JSON text;
     *       a payload that is not an object gives no metadata;</li>
     *   <li>weight: metadata {@code weight}, an integer {@code >= 0} (default 1); zone: metadata {@code zone};</li>
     *   <li>left out: registrations that are not {@code enabled}, and those whose metadata
     *       {@code instance_status} is present and not {@code UP} (case-insensitive);</li>
     *   <li>id: {@code host:port}, as for any instance, so its circuit breaker survives a re-registration
     *       under a new Curator id.</li>
     * </ul>
     *
     * @return the standard mapper
     */
    static ZookeeperInstanceMapper standard() {
        return builder().build();
    }

    /**
     * Starts a builder of the standard mapping with other keys.
     *
     * @return a builder holding the defaults of {@link #standard()}
     */
    static Builder builder() {
        return new Builder();
    }

    /** Builds a standard mapper; every setter checks its argument at once. */
    final class Builder {
        private String weightKey = DEFAULT_WEIGHT_KEY;
        private String zoneKey = DEFAULT_ZONE_KEY;
        private @Nullable String statusKey = DEFAULT_STATUS_KEY;
        private boolean registrationIdAsId;

        private Builder() {
        }

        /**
         * Sets the metadata key holding the weight.
         *
         * @param weightKey a non-blank key; default {@value ZookeeperInstanceMapper#DEFAULT_WEIGHT_KEY}
         * @return this builder
         * @throws IllegalArgumentException if the key is blank
         */
        public Builder weightKey(String weightKey) {
            this.weightKey = checkKey(weightKey, "weightKey");
            return this;
        }

        /**
         * Sets the metadata key holding the zone.
         *
         * @param zoneKey a non-blank key; default {@value ZookeeperInstanceMapper#DEFAULT_ZONE_KEY}
         * @return this builder
         * @throws IllegalArgumentException if the key is blank
         */
        public Builder zoneKey(String zoneKey) {
            this.zoneKey = checkKey(zoneKey, "zoneKey");
            return this;
        }

        /**
         * Sets the metadata key holding the status; registrations whose status is present and not
         * {@code UP} are left out.
         *
         * @param statusKey a non-blank key, or null to take every enabled registration; default
         *     {@value ZookeeperInstanceMapper#DEFAULT_STATUS_KEY}
         * @return this builder
         * @throws IllegalArgumentException if the key is blank
         */
        public Builder statusKey(@Nullable String statusKey) {
            this.statusKey = statusKey == null ? null : checkKey(statusKey, "statusKey");
            return this;
        }

        /**
         * Uses the Curator registration id as the instance id instead of {@code host:port}. Then a
         * process that registers again under a new id is a new instance, with a new circuit breaker.
         *
         * @param registrationIdAsId true to use the registration id; default false
         * @return this builder
         */
        public Builder registrationIdAsId(boolean registrationIdAsId) {
            this.registrationIdAsId = registrationIdAsId;
            return this;
        }

        /** @return the mapper */
        public ZookeeperInstanceMapper build() {
            return new StandardInstanceMapper(weightKey, zoneKey, statusKey, registrationIdAsId);
        }

        private static String checkKey(String key, String name) {
            requireNonNull(key, name);
            if (key.isBlank()) {
                throw new IllegalArgumentException(name + ": '" + key + "' (expected: a non-blank metadata key)");
            }
            return key;
        }
    }
}
