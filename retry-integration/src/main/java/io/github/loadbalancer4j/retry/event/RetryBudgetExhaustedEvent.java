package io.github.loadbalancer4j.retry.event;

import static java.util.Objects.requireNonNull;

import java.time.ZonedDateTime;

/**
 * A retry was refused because its {@link io.github.loadbalancer4j.retry.RetryBudget} was spent; the call
 * it belonged to ended with its last failure. Published once per refused retry, and only when someone
 * listens.
 */
public final class RetryBudgetExhaustedEvent {

    private final String budgetName;
    private final ZonedDateTime creationTime;
    private final double balance;

    /**
     * @param budgetName the budget's name
     * @param creationTime when the retry was refused
     * @param balance the retries left when it was refused (below 1)
     */
    public RetryBudgetExhaustedEvent(String budgetName, ZonedDateTime creationTime, double balance) {
        this.budgetName = requireNonNull(budgetName, "budgetName");
        this.creationTime = requireNonNull(creationTime, "creationTime");
        this.balance = balance;
    }

    /** @return the name of the budget that refused the retry */
    public String getBudgetName() {
        return budgetName;
    }

    /** @return when the retry was refused */
    public ZonedDateTime getCreationTime() {
        return creationTime;
    }

    /** @return the retries the budget had left when it refused, below 1 */
    public double getBalance() {
        return balance;
    }

    @Override
    public String toString() {
        return creationTime + ": RetryBudget '" + budgetName + "' refused a retry (balance " + balance + ')';
    }
}
