package io.github.loadbalancer4j.benchmarks.sim;

/** What a run asks before it retries: the real retry budget, or nothing. */
interface RetryAllowance {

    RetryAllowance UNLIMITED = new RetryAllowance() {
        @Override
        public void deposit() {
        }

        @Override
        public boolean tryWithdraw() {
            return true;
        }
    };

    /** One call is made. */
    void deposit();

    /** @return whether one retry may be made (and pays for it) */
    boolean tryWithdraw();
}
