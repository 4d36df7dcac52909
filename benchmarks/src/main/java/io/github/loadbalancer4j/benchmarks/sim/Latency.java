package io.github.loadbalancer4j.benchmarks.sim;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How long a simulated backend takes to answer one call: a distribution sampled with the
 * simulation's seeded random source.
 */
@FunctionalInterface
public interface Latency {

    /**
     * Draws one latency.
     *
     * @param random the simulation's random source
     * @return nanoseconds, {@code >= 0}
     */
    long sampleNanos(SplittableRandom random);

    /**
     * Always the same latency.
     *
     * @param latency the latency, {@code >= 0}
     * @return the distribution
     * @throws IllegalArgumentException if negative
     */
    static Latency fixed(Duration latency) {
        long nanos = nonNegative(latency, "latency");
        return named(r -> nanos, "fixed " + DurationText.format(latency));
    }

    /**
     * A normal distribution, cut at zero.
     *
     * @param mean the mean, {@code >= 0}
     * @param standardDeviation the standard deviation, {@code >= 0}
     * @return the distribution
     * @throws IllegalArgumentException if either is negative
     */
    static Latency normal(Duration mean, Duration standardDeviation) {
        long m = nonNegative(mean, "mean");
        long sd = nonNegative(standardDeviation, "standardDeviation");
        return named(r -> Math.max(0L, Math.round(m + sd * gaussian(r))),
                "normal " + DurationText.format(mean) + " " + DurationText.format(standardDeviation));
    }

    /**
     * An exponential distribution (the service time of an M/M/1 queue).
     *
     * @param mean the mean, {@code > 0}
     * @return the distribution
     * @throws IllegalArgumentException if not positive
     */
    static Latency exponential(Duration mean) {
        long m = nonNegative(mean, "mean");
        if (m == 0) {
            throw new IllegalArgumentException("mean: " + mean + " (expected: > 0)");
        }
        return named(r -> Math.round(-StrictMath.log(1.0 - r.nextDouble()) * m), "exponential " + DurationText.format(mean));
    }

    /**
     * A log-normal distribution: most calls near the median, a long tail to the right (the shape
     * measured service latencies have).
     *
     * @param median the median, {@code > 0}
     * @param sigma the standard deviation of the latency's logarithm, {@code > 0}: 0.5 puts the 95th
     *     percentile at 2.3 times the median, the 99th at 3.2 times
     * @return the distribution
     * @throws IllegalArgumentException if the median or sigma is not positive
     */
    static Latency lognormal(Duration median, double sigma) {
        long m = nonNegative(median, "median");
        if (m == 0) {
            throw new IllegalArgumentException("median: " + median + " (expected: > 0)");
        }
        if (!(sigma > 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("sigma: " + sigma + " (expected: > 0, e.g. 0.5)");
        }
        return named(r -> Math.round(m * StrictMath.exp(sigma * gaussian(r))),
                "lognormal " + DurationText.format(median) + " " + sigma);
    }

    /**
     * This distribution, with a pause added to some calls ("The Tail at Scale": a garbage collection, a
     * background flush, a queue behind a slow request): with probability {@code chance} a call takes a
     * pause drawn uniformly from {@code min} to {@code max} on top of its latency.
     *
     * @param chance the share of calls that pause, 0.0-1.0
     * @param min the shortest pause, {@code >= 0}
     * @param max the longest pause, {@code >= min}
     * @return the distribution
     * @throws IllegalArgumentException if the chance is out of range, or the pauses negative or reversed
     */
    default Latency withPauses(double chance, Duration min, Duration max) {
        if (!(chance >= 0.0 && chance <= 1.0)) {
            throw new IllegalArgumentException("chance: " + chance + " (expected: 0.0-1.0)");
        }
        long lo = nonNegative(min, "min");
        long hi = nonNegative(max, "max");
        if (hi < lo) {
            throw new IllegalArgumentException("max: " + max + " (expected: >= min " + min + ")");
        }
        Latency base = this;
        return named(r -> {
            long nanos = base.sampleNanos(r);
            return r.nextDouble() < chance ? nanos + lo + Math.round(r.nextDouble() * (hi - lo)) : nanos;
        }, this + " pauses " + chance + " " + DurationText.format(min) + " " + DurationText.format(max));
    }

    /**
     * Reads a distribution as a scenario file writes it: {@code fixed 2s}, {@code normal 167ms 5ms},
     * {@code exponential 1s}, {@code lognormal 2ms 0.5}, any of them followed by
     * {@code pauses <chance> <min> <max>}, e.g. {@code lognormal 2ms 0.5 pauses 0.01 1s 2s}.
     *
     * @param text the text
     * @return the distribution
     * @throws IllegalArgumentException if the text is none of these
     */
    static Latency parse(String text) {
        requireNonNull(text, "text");
        String[] parts = text.trim().split("\\s+");
        int pauses = java.util.Arrays.asList(parts).indexOf("pauses");
        if (pauses > 0 && parts.length == pauses + 4) {
            return parse(String.join(" ", java.util.Arrays.copyOfRange(parts, 0, pauses)))
                    .withPauses(Double.parseDouble(parts[pauses + 1]), DurationText.parse(parts[pauses + 2]),
                            DurationText.parse(parts[pauses + 3]));
        }
        String kind = parts[0].toLowerCase(Locale.ROOT);
        if (kind.equals("lognormal") && parts.length == 3) {
            return lognormal(DurationText.parse(parts[1]), Double.parseDouble(parts[2]));
        }
        if (kind.equals("fixed") && parts.length == 2) {
            return fixed(DurationText.parse(parts[1]));
        }
        if (kind.equals("normal") && parts.length == 3) {
            return normal(DurationText.parse(parts[1]), DurationText.parse(parts[2]));
        }
        if ((kind.equals("exponential") || kind.equals("exp")) && parts.length == 2) {
            return exponential(DurationText.parse(parts[1]));
        }
        throw new IllegalArgumentException("latency: '" + text
                + "' (expected: 'fixed <d>', 'normal <mean> <sd>', 'exponential <mean>' or 'lognormal <median> <sigma>',"
                + " then optionally 'pauses <chance> <min> <max>', e.g. 'normal 167ms 5ms')");
    }

    private static long nonNegative(Duration d, String name) {
        requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + ": " + d + " (expected: >= 0)");
        }
        return d.toNanos();
    }

    private static double gaussian(SplittableRandom r) {
        // Box-Muller on the seeded source: SplittableRandom has no nextGaussian of its own in Java 17.
        double u1 = 1.0 - r.nextDouble();
        double u2 = r.nextDouble();
        return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * Math.PI * u2);
    }

    private static Latency named(Latency latency, String name) {
        return new Latency() {
            @Override
            public long sampleNanos(SplittableRandom random) {
                return latency.sampleNanos(random);
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }
}
