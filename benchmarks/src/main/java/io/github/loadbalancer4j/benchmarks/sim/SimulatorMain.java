package io.github.loadbalancer4j.benchmarks.sim;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The simulator's command line ({@code scripts/simulate.sh}):
 *
 * <pre>
 * simulate.sh [scenario|all|file.properties ...] [--seed N | --seeds 1,2,3] [--charts DIR] [--markdown FILE]
 * </pre>
 *
 * Prints one table per scenario and seed, then whether each bar held; writes one PNG chart per
 * scenario (first seed) into the charts directory and, with {@code --markdown}, appends a Markdown
 * section per scenario (every seed, the chart linked) to a file.
 */
public final class SimulatorMain {

    private SimulatorMain() {
    }

    /**
     * Runs the command line.
     *
     * @param args see the class description
     * @throws IOException if a chart or the Markdown file cannot be written, or a scenario file read
     */
    public static void main(String[] args) throws IOException {
        PrintStream out = System.out;
        List<String> names = new ArrayList<>();
        List<Long> seeds = new ArrayList<>();
        Path charts = Paths.get("benchmarks", "results");
        @Nullable Path markdown = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--seed":
                    seeds.add(Long.parseLong(argument(args, ++i, a)));
                    break;
                case "--seeds":
                    for (String s : argument(args, ++i, a).split(",")) {
                        seeds.add(Long.parseLong(s.trim()));
                    }
                    break;
                case "--charts":
                    charts = Paths.get(argument(args, ++i, a));
                    break;
                case "--markdown":
                    markdown = Paths.get(argument(args, ++i, a));
                    break;
                case "--help":
                case "-h":
                    usage(out);
                    return;
                default:
                    if (a.startsWith("--")) {
                        usage(System.err);
                        throw new IllegalArgumentException("option: '" + a + "' (expected: --seed, --seeds, --charts, --markdown)");
                    }
                    names.add(a);
            }
        }
        if (names.isEmpty()) {
            names.add("all");
        }
        if (seeds.isEmpty()) {
            seeds.add(1L);
        }
        List<Scenario> scenarios = new ArrayList<>();
        Map<String, Supplier<Scenario>> builtIn = Scenarios.all();
        for (String n : names) {
            if (n.equals("all")) {
                for (Supplier<Scenario> s : builtIn.values()) {
                    scenarios.add(s.get());
                }
            } else if (builtIn.containsKey(n)) {
                scenarios.add(builtIn.get(n).get());
            } else if (Files.isRegularFile(Paths.get(n))) {
                scenarios.add(ScenarioFile.read(Paths.get(n)));
            } else {
                usage(System.err);
                throw new IllegalArgumentException("scenario: '" + n + "' (expected: all, one of " + builtIn.keySet()
                        + ", or a scenario file)");
            }
        }
        List<String> summary = new ArrayList<>();
        for (Scenario scenario : scenarios) {
            List<Outcome> outcomes = new ArrayList<>();
            @Nullable String chartLink = null;
            for (int i = 0; i < seeds.size(); i++) {
                Outcome outcome = Simulator.run(scenario, seeds.get(i));
                outcomes.add(outcome);
                out.println(Report.table(outcome));
                out.flush();
                if (i == 0) {
                    Path chart = charts.resolve(scenario.name() + ".png");
                    LatencyChart.write(outcome, chart);
                    out.println("chart: " + chart);
                    out.println();
                    chartLink = markdown == null ? chart.toString() : relative(markdown, chart);
                }
                for (String v : Report.verdicts(outcome)) {
                    summary.add(scenario.name() + " seed " + outcome.seed() + ": " + v);
                }
            }
            if (markdown != null) {
                Files.writeString(markdown, Report.markdownSection(outcomes, chartLink), StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
        }
        if (!summary.isEmpty()) {
            out.println("== bars");
            for (String s : summary) {
                out.println(s);
            }
        }
    }

    private static String relative(Path markdown, Path chart) {
        Path dir = markdown.toAbsolutePath().getParent();
        Path target = chart.toAbsolutePath();
        return (dir == null ? target : dir.relativize(target)).toString().replace('\\', '/');
    }

    private static String argument(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + ": missing value");
        }
        return args[i];
    }

    private static void usage(PrintStream out) {
        out.println("usage: scripts/simulate.sh [scenario|all|file.properties ...] [--seed N | --seeds 1,2,3]"
                + " [--charts DIR] [--markdown FILE]");
        out.println("scenarios: " + Scenarios.all().keySet());
    }
}
