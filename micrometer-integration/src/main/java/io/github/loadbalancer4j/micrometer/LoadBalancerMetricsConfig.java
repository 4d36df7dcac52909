package io.github.loadbalancer4j.micrometer;

/**
 * What {@link TaggedLoadBalancerMetrics} registers, in the style of resilience4j's configs:
 * {@link #ofDefaults()}, {@link #custom()}, immutable.
 */
public final class LoadBalancerMetricsConfig {

    /**
     * Per-instance meters (in flight, latency, weight, tagged {@code instance}) are registered by
     * default; a fleet of thousands of instances may rather turn them off.
     */
    public static final boolean DEFAULT_PER_INSTANCE_METERS = true;

    private static final LoadBalancerMetricsConfig DEFAULTS = new LoadBalancerMetricsConfig(DEFAULT_PER_INSTANCE_METERS);

    private final boolean perInstanceMeters;

    private LoadBalancerMetricsConfig(boolean perInstanceMeters) {
        this.perInstanceMeters = perInstanceMeters;
    }

    /** @return the default config: every meter, per-instance ones included */
    public static LoadBalancerMetricsConfig ofDefaults() {
        return DEFAULTS;
    }

    /** @return a builder starting from the defaults */
    public static Builder custom() {
        return new Builder();
    }

    /** @return whether per-instance meters (tag {@code instance}) are registered */
    public boolean isPerInstanceMeters() {
        return perInstanceMeters;
    }

    @Override
    public String toString() {
        return "LoadBalancerMetricsConfig{perInstanceMeters=" + perInstanceMeters + '}';
    }

    /** Builds a {@link LoadBalancerMetricsConfig}. */
    public static final class Builder {
        private boolean perInstanceMeters = DEFAULT_PER_INSTANCE_METERS;

        private Builder() {
        }

        /**
         * Whether to register per-instance meters, which follow the instance list. Default
         * {@value LoadBalancerMetricsConfig#DEFAULT_PER_INSTANCE_METERS}; turn them off for large fleets,
         * where one time series per instance costs more than it tells.
         *
         * @param enabled whether to register them
         * @return this builder
         */
        public Builder perInstanceMeters(boolean enabled) {
            this.perInstanceMeters = enabled;
            return this;
        }

        /** @return the config */
        public LoadBalancerMetricsConfig build() {
            return new LoadBalancerMetricsConfig(perInstanceMeters);
        }
    }
}
