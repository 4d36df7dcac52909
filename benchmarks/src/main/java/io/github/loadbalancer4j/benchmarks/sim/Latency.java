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
     * Reads a distribution as a scenario file writes it: {@code fixed 2s}, {@code normal 167ms 5ms},
     * {@code exponential 1s}.
     *
     * @param text the text
     * @return the distribution
     * @throws IllegalArgumentException if the text is none of these
     */
    static Latency parse(String text) {
        requireNonNull(text, "text");
        String[] parts = text.trim().split("\\s+");
        String kind = parts[0].toLowerCase(Locale.ROOT);
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
                + "' (expected: 'fixed <d>', 'normal <mean> <sd>' or 'exponential <mean>', e.g. 'normal 167ms 5ms')");
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
