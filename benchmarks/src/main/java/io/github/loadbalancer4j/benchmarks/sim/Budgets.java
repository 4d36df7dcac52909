package io.github.loadbalancer4j.benchmarks.sim;

/** The retry budget a run's failover pays its retries from. */
final class Budgets {

    private Budgets() {
    }

    /**
     * Until the retry module's RetryBudget is on main, retries are not capped.
     *
     * @param time the run's virtual time
     * @return the allowance
     */
    static RetryAllowance retryBudget(VirtualTime time) {
        return RetryAllowance.UNLIMITED;
    }
}
