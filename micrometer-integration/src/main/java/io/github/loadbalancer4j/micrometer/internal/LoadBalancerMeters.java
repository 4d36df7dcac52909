package io.github.loadbalancer4j.micrometer.internal;

import static io.github.loadbalancer4j.micrometer.TaggedLoadBalancerMetrics.CALLS;
import static io.github.loadbalancer4j.micrometer.TaggedLoadBalancerMetrics.INSTANCES;
import static io.github.loadbalancer4j.micrometer.TaggedLoadBalancerMetrics.INSTANCE_IN_FLIGHT;
import static io.github.loadbalancer4j.micrometer.TaggedLoadBalancerMetrics.INSTANCE_LATENCY;
import static io.github.loadbalancer4j.micrometer.TaggedLoadBalancerMetrics.INSTANCE_WEIGHT;
import static io.github.loadbalancer4j.micrometer.TaggedLoadBalancerMetrics.KNOWN_INSTANCES;
import static io.github.loadbalancer4j.micrometer.TaggedLoadBalancerMetrics.NO_AVAILABLE_INSTANCE_CALLS;
import static io.github.loadbalancer4j.micrometer.TaggedLoadBalancerMetrics.OUTLIER_EJECTIONS;
import static io.github.loadbalancer4j.micrometer.TaggedLoadBalancerMetrics.PANIC;
import static io.github.loadbalancer4j.micrometer.TaggedLoadBalancerMetrics.SELECTIONS;
import static io.github.loadbalancer4j.micrometer.TaggedLoadBalancerMetrics.TAG_INSTANCE;
import static io.github.loadbalancer4j.micrometer.TaggedLoadBalancerMetrics.TAG_KIND;
import static io.github.loadbalancer4j.micrometer.TaggedLoadBalancerMetrics.TAG_NAME;
import static io.github.loadbalancer4j.micrometer.TaggedLoadBalancerMetrics.TAG_STATE;

import io.github.loadbalancer4j.Candidate;
import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.internal.CallObserver;
import io.github.loadbalancer4j.internal.InstrumentedLoadBalancer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * The meters of one load balancer in one meter registry. The load-balancer meters read
 * {@link LoadBalancer#getMetrics()} when scraped; calls and selections are counted through the load
 * balancer's {@link CallObserver} hook; per-instance gauges read the live {@link Candidate}s and are
 * reconciled with the instance list whenever the load balancer reports an instance added or removed.
 * Public only for the binder; not API.
 */
public final class LoadBalancerMeters implements CallObserver {

    private final LoadBalancer loadBalancer;
    private final MeterRegistry registry;
    private final Tags tags;
    private final boolean perInstanceMeters;
    private final List<Meter> meters = new ArrayList<>();
    // Guarded by this. Instance id -> its meters.
    private final Map<String, InstanceMeters> instances = new LinkedHashMap<>();
    // Guarded by this.
    private boolean removed;

    private @Nullable Timer successful;
    private @Nullable Timer failed;
    private @Nullable Timer ignored;
    private @Nullable Counter selections;

    private LoadBalancerMeters(LoadBalancer loadBalancer, MeterRegistry registry, boolean perInstanceMeters) {
        this.loadBalancer = loadBalancer;
        this.registry = registry;
        this.tags = Tags.of(TAG_NAME, loadBalancer.getName());
        this.perInstanceMeters = perInstanceMeters;
    }

    /**
     * Registers a load balancer's meters, unless the registry already holds them (bound by another
     * binder, or by this one before): then nothing is registered twice and null is returned.
     *
     * @param loadBalancer the load balancer
     * @param registry the meter registry
     * @param perInstanceMeters whether to register and follow per-instance meters
     * @return the registered meters, or null if the registry already had them
     */
    public static @Nullable LoadBalancerMeters register(LoadBalancer loadBalancer, MeterRegistry registry,
            boolean perInstanceMeters) {
        if (registry.find(PANIC).tag(TAG_NAME, loadBalancer.getName()).meter() != null) {
            return null;
        }
        LoadBalancerMeters m = new LoadBalancerMeters(loadBalancer, registry, perInstanceMeters);
        m.start();
        return m;
    }

    private void start() {
        LoadBalancer lb = loadBalancer;
        meters.add(gauge(INSTANCES, TAG_STATE, "available", l -> l.getMetrics().getNumberOfAvailableInstances(),
                "Instances the selector may pick"));
        meters.add(gauge(INSTANCES, TAG_STATE, "circuit_open", l -> l.getMetrics().getNumberOfCircuitOpenInstances(),
                "Instances whose circuit breaker does not permit calls"));
        meters.add(gauge(INSTANCES, TAG_STATE, "unhealthy", l -> l.getMetrics().getNumberOfUnhealthyInstances(),
                "Instances active health checking marked unhealthy"));
        meters.add(Gauge.builder(KNOWN_INSTANCES, lb, l -> l.getMetrics().getNumberOfKnownInstances())
                .tags(tags).description("Instances in the source's current list").register(registry));
        meters.add(FunctionCounter.builder(NO_AVAILABLE_INSTANCE_CALLS, lb, l -> l.getMetrics().getNumberOfNoAvailableInstanceCalls())
                .tags(tags).description("Calls that found no available instance").register(registry));
        meters.add(FunctionCounter.builder(OUTLIER_EJECTIONS, lb, l -> l.getMetrics().getNumberOfOutlierEjections())
                .tags(tags).description("Instances outlier ejection took out").register(registry));
        if (lb instanceof InstrumentedLoadBalancer) {
            successful = timer("successful");
            failed = timer("failed");
            ignored = timer("ignored");
            selections = Counter.builder(SELECTIONS).tags(tags).description("Instances picked for a call").register(registry);
            meters.add(selections);
            ((InstrumentedLoadBalancer) lb).addCallObserver(this);
        }
        if (perInstanceMeters) {
            lb.getEventPublisher()
                    .onInstanceAdded(event -> syncInstances())
                    .onInstanceRemoved(event -> syncInstances());
            syncInstances();
        }
        // Registered last: its presence is what tells a later binder that this load balancer is bound.
        meters.add(Gauge.builder(PANIC, lb, l -> l.getMetrics().isPanicking() ? 1 : 0)
                .tags(tags).description("1 while panic mode is on (selecting among all instances)").register(registry));
    }

    private Gauge gauge(String name, String tagKey, String tagValue, ToDoubleFunction<LoadBalancer> value, String description) {
        return Gauge.builder(name, loadBalancer, value).tags(tags).tag(tagKey, tagValue).description(description)
                .register(registry);
    }

    private Timer timer(String kind) {
        Timer timer = Timer.builder(CALLS).tags(tags).tag(TAG_KIND, kind)
                .description("Calls ended, by how the instance's circuit breaker recorded them").register(registry);
        meters.add(timer);
        return timer;
    }

    /** @return the load balancer whose meters these are */
    public LoadBalancer loadBalancer() {
        return loadBalancer;
    }

    /** Takes every meter of the load balancer out of the registry and stops counting calls. */
    public synchronized void remove() {
        if (removed) {
            return;
        }
        removed = true;
        if (loadBalancer instanceof InstrumentedLoadBalancer) {
            ((InstrumentedLoadBalancer) loadBalancer).removeCallObserver(this);
        }
        for (InstanceMeters m : instances.values()) {
            m.removeFrom(registry);
        }
        instances.clear();
        for (Meter meter : meters) {
            registry.remove(meter);
        }
        meters.clear();
    }

    @Override
    public void onSelected(Candidate state) {
        Counter counter = selections;
        if (counter != null) {
            counter.increment();
        }
    }

    @Override
    public void onEnded(Candidate state, long durationNanos, Outcome outcome) {
        Timer timer;
        switch (outcome) {
            case SUCCESSFUL:
                timer = successful;
                break;
            case FAILED:
                timer = failed;
                break;
            default:
                timer = ignored;
                break;
        }
        if (timer != null) {
            timer.record(durationNanos, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Brings the per-instance meters in line with the instance list: meters of instances gone (or
     * replaced by a new state with the same id) leave the registry, new instances get theirs.
     */
    private synchronized void syncInstances() {
        if (removed) {
            return;
        }
        Map<String, Object> current = new LinkedHashMap<>();
        if (loadBalancer instanceof InstrumentedLoadBalancer) {
            for (Candidate state : ((InstrumentedLoadBalancer) loadBalancer).candidates()) {
                current.put(state.instance().id(), state);
            }
        } else {
            for (InstanceStatus status : loadBalancer.getInstances()) {
                current.put(status.instance().id(), status.instance().id());
            }
        }
        for (Iterator<Map.Entry<String, InstanceMeters>> it = instances.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, InstanceMeters> entry = it.next();
            if (!Objects.equals(current.get(entry.getKey()), entry.getValue().target)) {
                entry.getValue().removeFrom(registry);
                it.remove();
            }
        }
        for (Map.Entry<String, Object> entry : current.entrySet()) {
            if (!instances.containsKey(entry.getKey())) {
                instances.put(entry.getKey(), registerInstance(entry.getKey(), entry.getValue()));
            }
        }
    }

    private InstanceMeters registerInstance(String id, Object target) {
        Tags instanceTags = tags.and(TAG_INSTANCE, id);
        List<Meter> list = new ArrayList<>(3);
        if (target instanceof Candidate) {
            Candidate state = (Candidate) target;
            list.add(Gauge.builder(INSTANCE_IN_FLIGHT, state, Candidate::inFlight).tags(instanceTags)
                    .description("Calls in flight on the instance").register(registry));
            list.add(TimeGauge.builder(INSTANCE_LATENCY, state, TimeUnit.NANOSECONDS, Candidate::latencyCost)
                    .tags(instanceTags).description("The instance's peak-EWMA latency").register(registry));
            list.add(Gauge.builder(INSTANCE_WEIGHT, state, Candidate::weight).tags(instanceTags)
                    .description("The instance's effective weight").register(registry));
        } else {
            LoadBalancer lb = loadBalancer;
            list.add(Gauge.builder(INSTANCE_IN_FLIGHT, lb, l -> read(l, id, InstanceStatus::inFlight)).tags(instanceTags)
                    .description("Calls in flight on the instance").register(registry));
            list.add(TimeGauge.builder(INSTANCE_LATENCY, lb, TimeUnit.NANOSECONDS, l -> read(l, id, s -> s.latency().toNanos()))
                    .tags(instanceTags).description("The instance's peak-EWMA latency").register(registry));
            list.add(Gauge.builder(INSTANCE_WEIGHT, lb, l -> read(l, id, InstanceStatus::weight)).tags(instanceTags)
                    .description("The instance's effective weight").register(registry));
        }
        return new InstanceMeters(target, list);
    }

    /** Reads one instance's status from a load balancer that is not ours to look inside; NaN once it is gone. */
    private static double read(LoadBalancer lb, String id, ToDoubleFunction<InstanceStatus> value) {
        for (InstanceStatus status : lb.getInstances()) {
            if (status.instance().id().equals(id)) {
                return value.applyAsDouble(status);
            }
        }
        return Double.NaN;
    }

    @Override
    public String toString() {
        return "LoadBalancerMeters{" + loadBalancer.getName() + ", " + registry.getClass().getSimpleName() + '}';
    }

    /** One instance's meters and the state object they read. */
    private static final class InstanceMeters {
        final Object target;
        final List<Meter> meters;

        InstanceMeters(Object target, List<Meter> meters) {
            this.target = target;
            this.meters = meters;
        }

        void removeFrom(MeterRegistry registry) {
            for (Meter meter : meters) {
                registry.remove(meter);
            }
        }
    }
}
