package io.github.loadbalancer4j.benchmarks.sim;

import java.time.Duration;
import java.util.Locale;

/** Reads and writes durations as people write them: {@code 167ms}, {@code 2s}, {@code 1.5s}, {@code 250us}. */
final class DurationText {

    private DurationText() {
    }

    static Duration parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        long unitNanos;
        String number;
        if (t.endsWith("ms")) {
            unitNanos = 1_000_000L;
            number = t.substring(0, t.length() - 2);
        } else if (t.endsWith("us")) {
            unitNanos = 1_000L;
            number = t.substring(0, t.length() - 2);
        } else if (t.endsWith("ns")) {
            unitNanos = 1L;
            number = t.substring(0, t.length() - 2);
        } else if (t.endsWith("s")) {
            unitNanos = 1_000_000_000L;
            number = t.substring(0, t.length() - 1);
        } else if (t.endsWith("m")) {
            unitNanos = 60_000_000_000L;
            number = t.substring(0, t.length() - 1);
        } else {
            throw new IllegalArgumentException("duration: '" + text + "' (expected: a number with a unit, e.g. 167ms, 2s, 1.5s)");
        }
        double value;
        try {
            value = Double.parseDouble(number.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("duration: '" + text + "' (expected: a number with a unit, e.g. 167ms, 2s, 1.5s)", e);
        }
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("duration: '" + text + "' (expected: >= 0)");
        }
        return Duration.ofNanos(Math.round(value * unitNanos));
    }

    static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos == 0) {
            return "0";
        }
        if (nanos % 1_000_000_000L == 0) {
            return nanos / 1_000_000_000L + "s";
        }
        if (nanos % 1_000_000L == 0) {
            return nanos / 1_000_000L + "ms";
        }
        return String.format(Locale.ROOT, "%.3fms", nanos / 1e6);
    }
}
