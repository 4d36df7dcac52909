package io.github.loadbalancer4j.examples;

/**
 * What the demo does, from its command line.
 *
 * @param calls how many calls to make
 * @param threads how many worker threads make them
 * @param failAfter how many requests the flaky backend answers before it starts failing
 * @param progress whether to draw a progress bar
 */
record DemoOptions(int calls, int threads, int failAfter, boolean progress) {

    static final String USAGE = String.join(System.lineSeparator(),
            "usage: scripts/demo.sh [--calls N] [--threads N] [--fail-after N] [--no-progress]",
            "  --calls N       calls to make (default 3000)",
            "  --threads N     concurrent worker threads (default 8)",
            "  --fail-after N  requests the flaky backend answers before failing (default: calls / 10)",
            "  --no-progress   no progress bar");

    DemoOptions {
        if (calls < 1) {
            throw new IllegalArgumentException("--calls: " + calls + " (expected: >= 1)");
        }
        if (threads < 1 || threads > 64) {
            throw new IllegalArgumentException("--threads: " + threads + " (expected: 1-64)");
        }
        if (failAfter < 0) {
            throw new IllegalArgumentException("--fail-after: " + failAfter + " (expected: >= 0)");
        }
    }

    /**
     * Reads the command line.
     *
     * @throws IllegalArgumentException naming the bad argument and what was expected
     */
    static DemoOptions parse(String... args) {
        int calls = 3000;
        int threads = 8;
        Integer failAfter = null;
        boolean progress = true;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--calls" -> calls = intValue(args, ++i, arg);
                case "--threads" -> threads = intValue(args, ++i, arg);
                case "--fail-after" -> failAfter = intValue(args, ++i, arg);
                case "--no-progress" -> progress = false;
                default -> throw new IllegalArgumentException("argument: '" + arg
                        + "' (expected: --calls N, --threads N, --fail-after N or --no-progress)");
            }
        }
        return new DemoOptions(calls, threads, failAfter != null ? failAfter : calls / 10, progress);
    }

    private static int intValue(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + ": missing (expected: a number)");
        }
        try {
            return Integer.parseInt(args[i]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": '" + args[i] + "' (expected: a number)", e);
        }
    }
}
