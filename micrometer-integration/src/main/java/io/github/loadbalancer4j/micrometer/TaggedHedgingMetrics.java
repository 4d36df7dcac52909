package io.github.loadbalancer4j.micrometer;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.retry.Hedging;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Micrometer {@link MeterBinder} for {@link Hedging}s of the {@code loadbalancer4j-retry} module, tagged
 * like {@link TaggedLoadBalancerMetrics}: every meter carries {@value #TAG_NAME}, the load balancer's name
 * (or the name given here).
 * <pre>{@code
 * TaggedHedgingMetrics.ofHedging(hedging).bindTo(meterRegistry);
 * TaggedHedgingMetrics.ofHedging("orders", interceptor.getHedging("orders")).bindTo(meterRegistry);
 * }</pre>
 *
 * <ul>
 *   <li>{@value #CALLS} (function counter): calls made through the hedging;</li>
 *   <li>{@value #HEDGES} (function counter, tag {@value #TAG_KIND}: {@code sent}, {@code won}): hedges
 *       sent (attempts beyond each call's first), and hedges that answered first; sent / calls is the
 *       extra load, won / sent how often a hedge paid off;</li>
 *   <li>{@value #CANCELLED} (function counter): attempts cancelled because another attempt of their call
 *       won or the caller gave up (neither successes nor failures of their instances);</li>
 *   <li>{@value #DELAY} (time gauge): the delay a call started now would wait before its first hedge;
 *       NaN while a percentile delay has too few samples (no hedge is sent then).</li>
 * </ul>
 * The meters read the hedging's counters when scraped: binding costs the calls nothing. They hold the
 * hedging strongly. Budget refusals are the budget's: bind {@link TaggedRetryBudgetMetrics} to
 * {@link Hedging#getBudget()}.
 *
 * <p>The {@code loadbalancer4j-retry} dependency of this module is optional: add it to use this class.
 * No meter is registered twice: binding again to the same meter registry, or binding a second binder
 * for a name the registry already has, does nothing.
 */
public final class TaggedHedgingMetrics implements MeterBinder {

    /** Tag: the load balancer's name. */
    public static final String TAG_NAME = TaggedLoadBalancerMetrics.TAG_NAME;
    /** Tag: whether a hedge was sent or won, on {@value #HEDGES}. */
    public static final String TAG_KIND = TaggedLoadBalancerMetrics.TAG_KIND;

    /** Function counter: calls made through a hedging. */
    public static final String CALLS = "loadbalancer4j.hedging.calls";
    /** Function counter: hedges sent and won. */
    public static final String HEDGES = "loadbalancer4j.hedging.hedges";
    /** Function counter: attempts cancelled because another attempt of their call won. */
    public static final String CANCELLED = "loadbalancer4j.hedging.cancelled";
    /** Time gauge: the delay before a call's first hedge. */
    public static final String DELAY = "loadbalancer4j.hedging.delay";

    private final Map<String, Hedging> hedgings;

    private TaggedHedgingMetrics(Map<String, Hedging> hedgings) {
        this.hedgings = hedgings;
    }

    /**
     * Creates a binder for one hedging, tagged with its load balancer's name.
     *
     * @param hedging the hedging
     * @return the binder
     * @throws NullPointerException if the hedging is null
     */
    public static TaggedHedgingMetrics ofHedging(Hedging hedging) {
        requireNonNull(hedging, "hedging");
        return ofHedging(hedging.getLoadBalancer().getName(), hedging);
    }

    /**
     * Creates a binder for one hedging, tagged with the name given.
     *
     * @param name the value of the {@value #TAG_NAME} tag
     * @param hedging the hedging
     * @return the binder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is blank
     */
    public static TaggedHedgingMetrics ofHedging(String name, Hedging hedging) {
        requireNonNull(name, "name");
        requireNonNull(hedging, "hedging");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name: '" + name + "' (expected: a non-blank name)");
        }
        Map<String, Hedging> one = new LinkedHashMap<>();
        one.put(name, hedging);
        return new TaggedHedgingMetrics(one);
    }

    /**
     * Registers the meters of every hedging in the meter registry. A name the registry already has
     * meters for is skipped, so binding twice registers nothing twice.
     *
     * @param registry the meter registry
     * @throws NullPointerException if the registry is null
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        requireNonNull(registry, "registry");
        for (Map.Entry<String, Hedging> entry : hedgings.entrySet()) {
            String name = entry.getKey();
            if (registry.find(HEDGES).tag(TAG_NAME, name).meter() != null) {
                continue;
            }
            Hedging hedging = entry.getValue();
            Hedging.Metrics metrics = hedging.getMetrics();
            FunctionCounter.builder(CALLS, metrics, Hedging.Metrics::getNumberOfCalls)
                    .description("Calls made through a hedging")
                    .tags(TAG_NAME, name)
                    .register(registry);
            FunctionCounter.builder(HEDGES, metrics, Hedging.Metrics::getNumberOfHedgesSent)
                    .description("Hedges sent: attempts beyond each call's first")
                    .tags(TAG_NAME, name, TAG_KIND, "sent")
                    .register(registry);
            FunctionCounter.builder(HEDGES, metrics, Hedging.Metrics::getNumberOfHedgesWon)
                    .description("Hedges that answered first")
                    .tags(TAG_NAME, name, TAG_KIND, "won")
                    .register(registry);
            FunctionCounter.builder(CANCELLED, metrics, Hedging.Metrics::getNumberOfCancelledAttempts)
                    .description("Attempts cancelled because another attempt of their call won")
                    .tags(TAG_NAME, name)
                    .register(registry);
            // The gauge holds the hedging strongly, and through it the metrics the counters read weakly.
            TimeGauge.builder(DELAY, hedging, TimeUnit.NANOSECONDS, TaggedHedgingMetrics::delayNanos)
                    .description("The delay before a call's first hedge; NaN while a percentile has too few samples")
                    .tags(TAG_NAME, name)
                    .strongReference(true)
                    .register(registry);
        }
    }

    private static double delayNanos(Hedging hedging) {
        Duration delay = hedging.getCurrentDelay();
        return delay == null ? Double.NaN : delay.toNanos();
    }

    @Override
    public String toString() {
        return "TaggedHedgingMetrics" + hedgings.keySet();
    }
}
