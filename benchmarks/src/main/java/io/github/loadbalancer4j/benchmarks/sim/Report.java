package io.github.loadbalancer4j.benchmarks.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Formats an {@link Outcome}: a plain-text table for the terminal, or Markdown for
 * {@code benchmarks/RESULTS.md}, followed by the published figures and the bars with their verdicts.
 */
public final class Report {

    private static final String[] HEADER = {"strategy", "variant", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "mean ms",
        "success %", "calls/s", "retries", "outlier ejections", "attempts per backend %"};

    private Report() {
    }

    /**
     * @param outcome one seed's results
     * @return the terminal table, with the published figures and the bars
     */
    public static String table(Outcome outcome) {
        List<String[]> rows = rows(outcome);
        int[] width = new int[HEADER.length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        Scenario s = outcome.scenario();
        sb.append("== ").append(s.title()).append(" (").append(s.name()).append("), seed ").append(outcome.seed())
                .append(String.format(Locale.ROOT, ", %.1f s of real time", outcome.wallSeconds())).append('\n');
        sb.append("   ").append(s.setup()).append('\n');
        for (int row = 0; row < rows.size(); row++) {
            String[] r = rows.get(row);
            for (int i = 0; i < r.length; i++) {
                boolean left = i < 2 || i == r.length - 1;
                String cell = left ? pad(r[i], width[i]) : padLeft(r[i], width[i]);
                sb.append(cell).append(i == r.length - 1 ? "" : "  ");
            }
            sb.append('\n');
            if (row == 0) {
                int total = 0;
                for (int w : width) {
                    total += w + 2;
                }
                sb.append("-".repeat(total - 2)).append('\n');
            }
        }
        appendNotes(sb, outcome, "");
        return sb.toString();
    }

    /**
     * @param outcome one seed's results
     * @return the Markdown table, with the published figures and the bars
     */
    public static String markdown(Outcome outcome) {
        StringBuilder sb = new StringBuilder();
        List<String[]> rows = rows(outcome);
        for (int row = 0; row < rows.size(); row++) {
            sb.append("| ").append(String.join(" | ", rows.get(row))).append(" |\n");
            if (row == 0) {
                sb.append("|---|---|").append("---:|".repeat(HEADER.length - 3)).append("---|\n");
            }
        }
        sb.append('\n');
        appendNotes(sb, outcome, "- ");
        return sb.toString();
    }

    /**
     * A Markdown section for several seeds of one scenario: the set-up, the published figures, the
     * chart, the bars per seed, a table of the main figures with one value per seed, and every seed's
     * full table folded away.
     *
     * @param outcomes the same scenario with different seeds, at least one
     * @param chart the chart's path relative to the Markdown file, or null
     * @return the section, starting with a {@code ###} heading
     */
    public static String markdownSection(List<Outcome> outcomes, @Nullable String chart) {
        Outcome first = outcomes.get(0);
        Scenario s = first.scenario();
        StringBuilder sb = new StringBuilder();
        sb.append("### ").append(s.title()).append("\n\n");
        if (!s.description().isEmpty()) {
            sb.append(s.description()).append(". ");
        }
        sb.append(s.setup()).append(".\n\n");
        // Backends alike but for their name are listed once.
        java.util.Map<String, List<String>> alike = new java.util.LinkedHashMap<>();
        for (Backend b : s.backends()) {
            String spec = b.toString().substring(b.name().length() + 2);
            alike.computeIfAbsent(spec, k -> new ArrayList<>()).add(b.name());
        }
        for (java.util.Map.Entry<String, List<String>> e : alike.entrySet()) {
            List<String> names = e.getValue();
            String who = names.size() == 1 ? names.get(0)
                    : names.size() + " backends (" + names.get(0) + " ... " + names.get(names.size() - 1) + ")";
            sb.append("- ").append(who).append(": ").append(e.getKey()).append('\n');
        }
        sb.append('\n');
        if (!s.published().isEmpty()) {
            sb.append("Published:\n\n");
            for (String p : s.published()) {
                sb.append("- ").append(p).append('\n');
            }
            sb.append('\n');
        }
        if (chart != null) {
            sb.append("![").append(s.title()).append("](").append(chart).append(")\n\n");
        }
        if (!s.bars().isEmpty()) {
            sb.append("Bars:\n\n");
            for (Outcome o : outcomes) {
                for (String v : verdicts(o)) {
                    sb.append("- seed ").append(o.seed()).append(": **").append(v.substring(0, 6).trim()).append("** ")
                            .append(v.substring(7)).append('\n');
                }
            }
            sb.append('\n');
        }
        StringBuilder seeds = new StringBuilder();
        for (Outcome o : outcomes) {
            seeds.append(seeds.length() == 0 ? "" : " / ").append(o.seed());
        }
        sb.append("Seeds ").append(seeds).append(", one value per seed:\n\n");
        sb.append("| strategy | variant | success % | p50 ms | p99 ms | p99.9 ms | mean ms | calls/s | retries | outlier ejections |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int i = 0; i < first.results().size(); i++) {
            RunResult r0 = first.results().get(i);
            sb.append("| ").append(r0.strategy()).append(" | ").append(r0.variant());
            sb.append(" | ").append(perSeed(outcomes, i, r -> String.format(Locale.ROOT, "%.3f", 100 * r.successRate())));
            sb.append(" | ").append(perSeed(outcomes, i, r -> ms(r.percentileMillis(0.5))));
            sb.append(" | ").append(perSeed(outcomes, i, r -> ms(r.percentileMillis(0.99))));
            sb.append(" | ").append(perSeed(outcomes, i, r -> ms(r.percentileMillis(0.999))));
            sb.append(" | ").append(perSeed(outcomes, i, r -> ms(r.meanMillis())));
            sb.append(" | ").append(perSeed(outcomes, i, r -> String.format(Locale.ROOT, "%.0f", r.callsPerSecond())));
            sb.append(" | ").append(perSeed(outcomes, i, r -> Long.toString(r.retries())));
            sb.append(" | ").append(perSeed(outcomes, i, r -> Long.toString(r.outlierEjections())));
            sb.append(" |\n");
        }
        sb.append("\n<details><summary>Full tables (p90, attempts per backend, refused retries), every seed</summary>\n\n");
        for (Outcome o : outcomes) {
            sb.append("Seed ").append(o.seed()).append(":\n\n");
            List<String[]> rows = rows(o);
            for (int row = 0; row < rows.size(); row++) {
                sb.append("| ").append(String.join(" | ", rows.get(row))).append(" |\n");
                if (row == 0) {
                    sb.append("|---|---|").append("---:|".repeat(HEADER.length - 3)).append("---|\n");
                }
            }
            sb.append('\n');
        }
        sb.append("</details>\n\n");
        return sb.toString();
    }

    private static String perSeed(List<Outcome> outcomes, int index, java.util.function.Function<RunResult, String> f) {
        StringBuilder sb = new StringBuilder();
        for (Outcome o : outcomes) {
            sb.append(sb.length() == 0 ? "" : " / ").append(f.apply(o.results().get(index)));
        }
        return sb.toString();
    }

    /**
     * @param outcome one seed's results
     * @return one line per bar: whether it holds and what was measured
     */
    public static List<String> verdicts(Outcome outcome) {
        List<String> lines = new ArrayList<>();
        for (Bar bar : outcome.scenario().bars()) {
            Bar.Verdict v = bar.check(outcome);
            lines.add((v.holds() ? "HOLDS  " : "MISSED ") + bar.description() + ": " + v.measured());
        }
        return lines;
    }

    private static void appendNotes(StringBuilder sb, Outcome outcome, String bullet) {
        List<String> published = outcome.scenario().published();
        if (!published.isEmpty()) {
            sb.append(bullet.isEmpty() ? "published:\n" : "Published:\n\n");
            for (String p : published) {
                sb.append(bullet.isEmpty() ? "   " : bullet).append(p).append('\n');
            }
            if (!bullet.isEmpty()) {
                sb.append('\n');
            }
        }
        List<String> verdicts = verdicts(outcome);
        if (!verdicts.isEmpty()) {
            sb.append(bullet.isEmpty() ? "bars (seed " + outcome.seed() + "):\n" : "Bars (seed " + outcome.seed() + "):\n\n");
            for (String v : verdicts) {
                sb.append(bullet.isEmpty() ? "   " : bullet).append(bullet.isEmpty() ? v : "**" + v.substring(0, 6).trim() + "** " + v.substring(7))
                        .append('\n');
            }
        }
    }

    private static List<String[]> rows(Outcome outcome) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (RunResult r : outcome.results()) {
            rows.add(new String[] {r.strategy(), r.variant(), ms(r.percentileMillis(0.50)), ms(r.percentileMillis(0.90)),
                ms(r.percentileMillis(0.99)), ms(r.percentileMillis(0.999)), ms(r.meanMillis()),
                String.format(Locale.ROOT, "%.3f", 100 * r.successRate()),
                String.format(Locale.ROOT, "%.1f", r.callsPerSecond()),
                r.retries() + (r.refusedRetries() > 0 ? " (" + r.refusedRetries() + " refused)" : ""),
                Long.toString(r.outlierEjections()), shares(r)});
        }
        return rows;
    }

    static String ms(double millis) {
        return millis < 10 ? String.format(Locale.ROOT, "%.2f", millis)
                : millis < 100 ? String.format(Locale.ROOT, "%.1f", millis) : String.format(Locale.ROOT, "%.0f", millis);
    }

    private static String shares(RunResult r) {
        long[] a = r.attemptsPerBackend();
        long total = 0;
        for (long x : a) {
            total += x;
        }
        if (total == 0) {
            return "-";
        }
        if (a.length <= 12) {
            StringBuilder sb = new StringBuilder();
            for (long x : a) {
                sb.append(sb.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.1f", 100.0 * x / total));
            }
            return sb.toString();
        }
        long min = Long.MAX_VALUE;
        long max = 0;
        for (long x : a) {
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        return String.format(Locale.ROOT, "%.2f-%.2f (each of %d)", 100.0 * min / total, 100.0 * max / total, a.length);
    }

    private static String pad(String s, int w) {
        return s + " ".repeat(w - s.length());
    }

    private static String padLeft(String s, int w) {
        return " ".repeat(w - s.length()) + s;
    }
}
