package io.github.loadbalancer4j.internal;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Checks for durations where they enter: a duration the code will later turn into nanoseconds must
 * fit in a {@code long} of them (about 292 years), or it fails much later, on a call or on a
 * background thread where nobody sees it. Messages name the setting, the value and what was
 * expected. Public for the loadbalancer4j modules; not API.
 */
public final class Durations {

    /** The longest duration a {@code long} count of nanoseconds holds. */
    public static final Duration MAX = Duration.ofNanos(Long.MAX_VALUE);

    private Durations() {
    }

    /**
     * @param name the setting, for the message
     * @param value the duration
     * @return the value
     * @throws NullPointerException if the value is null (the message is the name)
     * @throws IllegalArgumentException if the value is zero, negative or longer than {@link #MAX}
     */
    public static Duration requirePositive(String name, Duration value) {
        return requireAtLeast(name, value, Duration.ofNanos(1), "> 0");
    }

    /**
     * @param name the setting, for the message
     * @param value the duration
     * @return the value
     * @throws NullPointerException if the value is null
     * @throws IllegalArgumentException if the value is negative or longer than {@link #MAX}
     */
    public static Duration requireNonNegative(String name, Duration value) {
        return requireAtLeast(name, value, Duration.ZERO, ">= 0");
    }

    /**
     * @param name the setting, for the message
     * @param value the duration
     * @param floor the shortest accepted
     * @param expected the floor as the message says it, e.g. {@code ">= 100 ms"}
     * @return the value
     * @throws NullPointerException if the value is null
     * @throws IllegalArgumentException if the value is below the floor or longer than {@link #MAX}
     */
    public static Duration requireAtLeast(String name, Duration value, Duration floor, String expected) {
        requireNonNull(value, name);
        if (value.compareTo(floor) < 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: " + expected + ")");
        }
        if (value.compareTo(MAX) > 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: " + expected
                    + " and at most " + MAX + ", the longest a count of nanoseconds holds)");
        }
        return value;
    }
}
