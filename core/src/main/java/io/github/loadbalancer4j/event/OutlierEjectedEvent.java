package io.github.loadbalancer4j.event;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.OutlierEjectionConfig;
import io.github.loadbalancer4j.ServiceInstance;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Locale;

/**
 * Outlier ejection opened an instance's circuit breaker: in the last interval the instance did much
 * worse than the rest of the fleet (or than the failure-percentage threshold). The breaker's own
 * transition to OPEN follows, and with it an {@link InstanceEjectedEvent} with
 * {@link EjectionReason#CIRCUIT_OPEN}; this event says that it was an outlier, and by how much.
 */
public final class OutlierEjectedEvent extends AbstractLoadBalancerEvent {

    private final ServiceInstance instance;
    private final OutlierEjectionConfig.Mode mode;
    private final long calls;
    private final double successRate;
    private final double threshold;
    private final Duration openFor;

    /**
     * @param loadBalancerName the publisher's name
     * @param creationTime when it happened
     * @param instance see the getter
     * @param mode see the getter
     * @param calls see the getter
     * @param successRate see the getter
     * @param threshold see the getter
     * @param openFor see the getter
     */
    public OutlierEjectedEvent(String loadBalancerName, ZonedDateTime creationTime, ServiceInstance instance,
            OutlierEjectionConfig.Mode mode, long calls, double successRate, double threshold, Duration openFor) {
        super(loadBalancerName, creationTime);
        this.instance = requireNonNull(instance, "instance");
        this.mode = requireNonNull(mode, "mode");
        this.calls = calls;
        this.successRate = successRate;
        this.threshold = threshold;
        this.openFor = requireNonNull(openFor, "openFor");
    }

    @Override
    public Type getEventType() {
        return Type.OUTLIER_EJECTED;
    }

    /** @return the instance */
    public ServiceInstance getInstance() {
        return instance;
    }

    /** @return the rule that found it */
    public OutlierEjectionConfig.Mode getMode() {
        return mode;
    }

    /** @return the calls of the instance judged (those that ended in the interval) */
    public long getCalls() {
        return calls;
    }

    /** @return the instance's success rate over those calls, 0.0-1.0 */
    public double getSuccessRate() {
        return successRate;
    }

    /**
     * @return the success rate it fell below: the fleet's {@code mean - stdevFactor x stdev} in
     *     success-rate mode, {@code 1 - threshold / 100} in failure-percentage mode
     */
    public double getThreshold() {
        return threshold;
    }

    /** @return how long its breaker stays OPEN before it lets HALF_OPEN probes through */
    public Duration getOpenFor() {
        return openFor;
    }

    @Override
    protected String describe() {
        return String.format(Locale.ROOT, "ejected outlier %s: success rate %.2f%% over %d calls, %s %.2f%% (%s); circuit open for %s",
                instance, successRate * 100, calls, mode == OutlierEjectionConfig.Mode.SUCCESS_RATE ? "below" : "at or below",
                threshold * 100, mode == OutlierEjectionConfig.Mode.SUCCESS_RATE ? "success rate" : "failure percentage", openFor);
    }
}
