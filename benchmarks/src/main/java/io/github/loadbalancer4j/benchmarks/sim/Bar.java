package io.github.loadbalancer4j.benchmarks.sim;

import static java.util.Objects.requireNonNull;

import java.util.function.Function;

/**
 * A bar a scenario's results are judged against (from the project's benchmark plan): a description
 * and a check that reads the results of one seed and says what it measured and whether the bar holds.
 */
public final class Bar {

    /** What a check found. */
    public static final class Verdict {
        final boolean holds;
        final String measured;

        /**
         * @param holds whether the bar holds
         * @param measured what was measured, for the report
         */
        public Verdict(boolean holds, String measured) {
            this.holds = holds;
            this.measured = requireNonNull(measured, "measured");
        }

        /** @return whether the bar holds */
        public boolean holds() {
            return holds;
        }

        /** @return what was measured */
        public String measured() {
            return measured;
        }
    }

    private final String description;
    private final Function<Outcome, Verdict> check;

    /**
     * @param description the bar, as the plan words it
     * @param check reads one seed's results
     */
    public Bar(String description, Function<Outcome, Verdict> check) {
        this.description = requireNonNull(description, "description");
        this.check = requireNonNull(check, "check");
    }

    /** @return the bar, as the plan words it */
    public String description() {
        return description;
    }

    /**
     * @param outcome one seed's results
     * @return what the check found
     */
    public Verdict check(Outcome outcome) {
        return check.apply(outcome);
    }
}
