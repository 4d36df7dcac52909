package io.github.loadbalancer4j.benchmarks.sim;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Locale;

/**
 * How the simulated client sends calls: in an open loop (calls arrive whatever happens to earlier
 * ones, at a fixed rate or as a Poisson process) or in a closed loop (a number of callers, each
 * sending on its own ticker and waiting for the answer before the next tick it can take, as load
 * tools such as slow_cooker do).
 */
public final class Load {

    enum Kind { POISSON, FIXED_RATE, CLOSED_LOOP }

    final Kind kind;
    final double perSecond;
    final int callers;
    final long intervalNanos;

    private Load(Kind kind, double perSecond, int callers, long intervalNanos) {
        this.kind = kind;
        this.perSecond = perSecond;
        this.callers = callers;
        this.intervalNanos = intervalNanos;
    }

    /**
     * Poisson arrivals (exponential gaps) at a mean rate.
     *
     * @param perSecond calls per second, {@code > 0}
     * @return the load
     * @throws IllegalArgumentException if not positive
     */
    public static Load poisson(double perSecond) {
        return new Load(Kind.POISSON, checkRate(perSecond), 0, 0);
    }

    /**
     * Calls at exactly even gaps.
     *
     * @param perSecond calls per second, {@code > 0}
     * @return the load
     * @throws IllegalArgumentException if not positive
     */
    public static Load fixedRate(double perSecond) {
        return new Load(Kind.FIXED_RATE, checkRate(perSecond), 0, 0);
    }

    /**
     * A closed loop: {@code callers} callers, each with a ticker of {@code interval} (started at a
     * random phase); at a tick a caller sends one call if it is not waiting for one, and a tick that
     * passes while it waits is taken as soon as the answer comes (one tick is kept, as Go's tickers do).
     *
     * @param callers {@code >= 1}
     * @param interval the ticker's period, {@code > 0}
     * @return the load
     * @throws IllegalArgumentException if out of range
     */
    public static Load closedLoop(int callers, Duration interval) {
        requireNonNull(interval, "interval");
        if (callers < 1) {
            throw new IllegalArgumentException("callers: " + callers + " (expected: >= 1)");
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval: " + interval + " (expected: > 0)");
        }
        return new Load(Kind.CLOSED_LOOP, 0, callers, interval.toNanos());
    }

    /**
     * Reads a load as a scenario file writes it: {@code poisson 1000/s}, {@code fixed 1000/s},
     * {@code closed 50 callers every 100ms}.
     *
     * @param text the text
     * @return the load
     * @throws IllegalArgumentException if the text is none of these
     */
    public static Load parse(String text) {
        requireNonNull(text, "text");
        String[] p = text.trim().toLowerCase(Locale.ROOT).split("\\s+");
        try {
            if (p.length == 2 && (p[0].equals("poisson") || p[0].equals("fixed")) && p[1].endsWith("/s")) {
                double rate = Double.parseDouble(p[1].substring(0, p[1].length() - 2));
                return p[0].equals("poisson") ? poisson(rate) : fixedRate(rate);
            }
            if (p.length == 5 && p[0].equals("closed") && p[2].equals("callers") && p[3].equals("every")) {
                return closedLoop(Integer.parseInt(p[1]), DurationText.parse(p[4]));
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("load: '" + text
                + "' (expected: 'poisson <n>/s', 'fixed <n>/s' or 'closed <n> callers every <d>')");
    }

    private static double checkRate(double perSecond) {
        if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("perSecond: " + perSecond + " (expected: > 0)");
        }
        return perSecond;
    }

    @Override
    public String toString() {
        switch (kind) {
            case POISSON:
                return "poisson " + fmt(perSecond) + "/s";
            case FIXED_RATE:
                return "fixed " + fmt(perSecond) + "/s";
            default:
                return "closed " + callers + " callers every " + DurationText.format(Duration.ofNanos(intervalNanos));
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
