package io.github.loadbalancer4j.micrometer;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.retry.RetryBudget;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Micrometer {@link MeterBinder} for {@link RetryBudget}s of the {@code loadbalancer4j-retry} module,
 * tagged like {@link TaggedLoadBalancerMetrics}: every meter carries {@value #TAG_NAME}, the budget's
 * name (or the name given here).
 * <pre>{@code
 * TaggedRetryBudgetMetrics.ofRetryBudget(budget).bindTo(meterRegistry);
 * TaggedRetryBudgetMetrics.ofRetryBudget("orders", FailoverRetry.defaultBudget(orders)).bindTo(meterRegistry);
 * }</pre>
 *
 * <ul>
 *   <li>{@value #RETRIES} (function counter, tag {@value #TAG_KIND}: {@code granted}, {@code refused}):
 *       retries the budget let happen, and retries it refused (budget exhaustions; each one is also
 *       published as a {@code RetryBudgetExhaustedEvent});</li>
 *   <li>{@value #BALANCE} (gauge): the retries that could happen now; positive infinity for
 *       {@link RetryBudget#unlimited()}.</li>
 * </ul>
 * The meters read the budget's counters when scraped: binding costs the budget nothing per call. They
 * hold the budget strongly, so a budget that is only referenced by a decorated call still reports.
 *
 * <p>The {@code Retry} itself (attempts, successful and failed calls with and without retry) is
 * resilience4j's: bind resilience4j-micrometer's {@code TaggedRetryMetrics} to the {@code Retry} given
 * to {@code FailoverRetry}. A call ended because the budget refused a retry shows here as
 * {@code refused}, not in the {@code Retry}'s metrics.
 *
 * <p>The {@code loadbalancer4j-retry} dependency of this module is optional: add
 * {@code loadbalancer4j-retry} to use this class. No meter is registered twice: binding again to the
 * same meter registry, or binding a second binder for a name the registry already has, does nothing.
 */
public final class TaggedRetryBudgetMetrics implements MeterBinder {

    /** Tag: the budget's name. */
    public static final String TAG_NAME = TaggedLoadBalancerMetrics.TAG_NAME;
    /** Tag: whether a retry was granted or refused, on {@value #RETRIES}. */
    public static final String TAG_KIND = TaggedLoadBalancerMetrics.TAG_KIND;

    /** Function counter: retries granted and refused by a budget. */
    public static final String RETRIES = "loadbalancer4j.retry.budget.retries";
    /** Gauge: a budget's balance, in retries. */
    public static final String BALANCE = "loadbalancer4j.retry.budget.balance";

    private final Map<String, RetryBudget> budgets;

    private TaggedRetryBudgetMetrics(Map<String, RetryBudget> budgets) {
        this.budgets = budgets;
    }

    /**
     * Creates a binder for one budget, tagged with the budget's {@link RetryBudget#getName() name}.
     *
     * @param budget the budget
     * @return the binder
     * @throws NullPointerException if the budget is null
     */
    public static TaggedRetryBudgetMetrics ofRetryBudget(RetryBudget budget) {
        requireNonNull(budget, "budget");
        return ofRetryBudget(budget.getName(), budget);
    }

    /**
     * Creates a binder for one budget, tagged with the name given, e.g. the name of the load balancer or
     * service whose retries it caps.
     *
     * @param name the value of the {@value #TAG_NAME} tag
     * @param budget the budget
     * @return the binder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is blank
     */
    public static TaggedRetryBudgetMetrics ofRetryBudget(String name, RetryBudget budget) {
        requireNonNull(name, "name");
        requireNonNull(budget, "budget");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name: '" + name + "' (expected: a non-blank name)");
        }
        Map<String, RetryBudget> one = new LinkedHashMap<>();
        one.put(name, budget);
        return new TaggedRetryBudgetMetrics(one);
    }

    /**
     * Creates a binder for several budgets, each tagged with its {@link RetryBudget#getName() name}.
     * The budgets are read once, now.
     *
     * @param budgets the budgets; their names must differ
     * @return the binder; it registers nothing when there are no budgets
     * @throws NullPointerException if the iterable or one of its budgets is null
     * @throws IllegalArgumentException if two budgets have the same name
     */
    public static TaggedRetryBudgetMetrics ofRetryBudgets(Iterable<? extends RetryBudget> budgets) {
        requireNonNull(budgets, "budgets");
        Map<String, RetryBudget> byName = new LinkedHashMap<>();
        for (RetryBudget budget : budgets) {
            requireNonNull(budget, "a budget");
            if (byName.putIfAbsent(budget.getName(), budget) != null) {
                throw new IllegalArgumentException(
                        "budgets: two named '" + budget.getName() + "' (expected: distinct names)");
            }
        }
        return new TaggedRetryBudgetMetrics(byName);
    }

    /**
     * Registers the meters of every budget in the meter registry. A budget whose name the registry
     * already has meters for is skipped, so binding twice registers nothing twice.
     *
     * @param registry the meter registry
     * @throws NullPointerException if the registry is null
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        requireNonNull(registry, "registry");
        for (Map.Entry<String, RetryBudget> entry : budgets.entrySet()) {
            String name = entry.getKey();
            if (registry.find(RETRIES).tag(TAG_NAME, name).meter() != null) {
                continue;
            }
            RetryBudget budget = entry.getValue();
            // Function counters hold the budget weakly; the gauge holds it strongly for all three.
            FunctionCounter.builder(RETRIES, budget, RetryBudget::getNumberOfGrantedRetries)
                    .description("Retries a retry budget granted")
                    .tags(TAG_NAME, name, TAG_KIND, "granted")
                    .register(registry);
            FunctionCounter.builder(RETRIES, budget, RetryBudget::getNumberOfRefusedRetries)
                    .description("Retries a retry budget refused (budget exhausted)")
                    .tags(TAG_NAME, name, TAG_KIND, "refused")
                    .register(registry);
            Gauge.builder(BALANCE, budget, RetryBudget::getBalance)
                    .description("Retries a retry budget would grant now")
                    .tags(TAG_NAME, name)
                    .strongReference(true)
                    .register(registry);
        }
    }

    @Override
    public String toString() {
        return "TaggedRetryBudgetMetrics" + budgets.keySet();
    }
}
