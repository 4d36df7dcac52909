package io.github.loadbalancer4j.consul;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.consul.internal.StandardInstanceMapper;
import org.jspecify.annotations.Nullable;

/**
 * Turns one entry of Consul's health answer into a loadbalancer4j {@link ServiceInstance}.
 *
 * <p>Return null to leave an entry out on purpose; it is not reported. Throw (for instance the
 * {@link IllegalArgumentException} of {@link ServiceInstance.Builder}) when the entry cannot make an
 * instance: the source skips it and reports an {@link UnreadableConsulEntryException}. A mapper is
 * called on the source's thread for every entry of every answer; it must not block.
 *
 * <p>{@link #standard()} reads the conventions in common use; {@link #builder()} changes its keys.
 */
@FunctionalInterface
public interface ConsulInstanceMapper {

    /** The metadata key read as the zone by the standard mapper. */
    String DEFAULT_ZONE_KEY = "zone";

    /** The metadata key read as the weight by the standard mapper, before {@code Service.Weights.Passing}. */
    String DEFAULT_WEIGHT_KEY = "weight";

    /** The metadata key whose value {@code true} makes the standard mapper's instance https (Spring Cloud Consul's key). */
    String DEFAULT_SECURE_KEY = "secure";

    /** The metadata key under which the standard mapper puts all tags, joined with {@code ,}. */
    String TAGS_KEY = "consul.tags";

    /** The metadata key under which the standard mapper puts {@code Service.ID}. */
    String SERVICE_ID_KEY = "consul.service-id";

    /** The metadata key under which the standard mapper puts {@code Node.Node}. */
    String NODE_KEY = "consul.node";

    /** The metadata key under which the standard mapper puts {@code Node.Datacenter}. */
    String DATACENTER_KEY = "consul.datacenter";

    /**
     * Maps one entry.
     *
     * @param entry the entry, as Consul sent it
     * @return the instance, or null to leave this entry out without reporting it
     * @throws RuntimeException when the entry cannot make an instance; it is skipped and reported
     */
    @Nullable ServiceInstance map(ConsulServiceEntry entry);

    /**
     * The standard mapping, with the default keys:
     * <ul>
     *   <li>host: {@link ConsulServiceEntry#address()}, that is {@code Service.Address}, or
     *       {@code Node.Address} when the service was registered without an address (as Consul
     *       documents); port: {@code Service.Port};</li>
     *   <li>metadata: every tag of the form {@code key=value} (the convention from before Consul had
     *       {@code Service.Meta}), then {@code Service.Meta}, which wins on the same key; plus
     *       {@value #TAGS_KEY} (all tags joined with {@code ,}, when there are tags),
     *       {@value #SERVICE_ID_KEY}, {@value #NODE_KEY} and {@value #DATACENTER_KEY} (when known);</li>
     *   <li>zone: metadata {@code zone}; weight: metadata {@code weight}, an integer {@code >= 0}, else
     *       {@code Service.Weights.Passing}, else 1; https when metadata {@code secure} is {@code true};</li>
     *   <li>id: {@code host:port}, as for any instance, so its circuit breaker survives a
     *       re-registration under a new service ID.</li>
     * </ul>
     *
     * @return the standard mapper
     */
    static ConsulInstanceMapper standard() {
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
        private String zoneKey = DEFAULT_ZONE_KEY;
        private String weightKey = DEFAULT_WEIGHT_KEY;
        private @Nullable String secureKey = DEFAULT_SECURE_KEY;

        private Builder() {
        }

        /**
         * Sets the metadata key holding the zone.
         *
         * @param zoneKey a non-blank key; default {@value ConsulInstanceMapper#DEFAULT_ZONE_KEY}
         * @return this builder
         * @throws IllegalArgumentException if the key is blank
         */
        public Builder zoneKey(String zoneKey) {
            this.zoneKey = checkKey(zoneKey, "zoneKey");
            return this;
        }

        /**
         * Sets the metadata key holding the weight; when an entry lacks it, {@code Service.Weights.Passing}
         * is the weight.
         *
         * @param weightKey a non-blank key; default {@value ConsulInstanceMapper#DEFAULT_WEIGHT_KEY}
         * @return this builder
         * @throws IllegalArgumentException if the key is blank
         */
        public Builder weightKey(String weightKey) {
            this.weightKey = checkKey(weightKey, "weightKey");
            return this;
        }

        /**
         * Sets the metadata key whose value {@code true} (any case) makes the instance https.
         *
         * @param secureKey a non-blank key, or null for plain http always; default
         *     {@value ConsulInstanceMapper#DEFAULT_SECURE_KEY}
         * @return this builder
         * @throws IllegalArgumentException if the key is blank
         */
        public Builder secureKey(@Nullable String secureKey) {
            this.secureKey = secureKey == null ? null : checkKey(secureKey, "secureKey");
            return this;
        }

        /** @return the mapper */
        public ConsulInstanceMapper build() {
            return new StandardInstanceMapper(zoneKey, weightKey, secureKey);
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
