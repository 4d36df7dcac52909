package io.github.loadbalancer4j.internal;

/**
 * The upper tail of a binomial distribution, {@code P(X >= k)} for {@code X ~ Binomial(n, p)}: how
 * likely an instance that fails with probability {@code p} is to fail at least {@code k} of {@code n}
 * calls. Outlier ejection asks it once per instance and sweep, so it favours robustness over speed:
 * the terms are summed outwards from the largest one, scaled by it, so that neither a huge {@code n}
 * nor a tiny {@code p} underflows. The relative error is about {@code n log n x 1e-16} (the
 * log-factorials of large counts cancel digits): 1e-9 at a million calls, far finer than any
 * significance level asks.
 */
final class BinomialTail {

    /** Below this, log n! is summed exactly; from here on Stirling's series is exact to double precision. */
    private static final int TABLE_SIZE = 256;
    private static final double[] LOG_FACTORIAL = logFactorials();
    private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
    /** Terms smaller than this share of the sum so far no longer change it. */
    private static final double NEGLIGIBLE = 1e-17;

    private BinomialTail() {
    }

    /**
     * @param k the count, failures for instance
     * @param n the trials, {@code >= 0}
     * @param p the probability of each, 0 to 1
     * @return {@code P(X >= k)}, 1 when {@code k <= 0}, 0 when {@code k > n}
     */
    static double atLeast(long k, long n, double p) {
        if (k <= 0) {
            return 1.0;
        }
        if (k > n || p <= 0.0) {
            return 0.0;
        }
        if (p >= 1.0) {
            return 1.0;
        }
        double logP = Math.log(p);
        double logQ = Math.log1p(-p);
        double odds = p / (1.0 - p);
        // The largest term of the tail: the mode (n + 1)p if the tail holds it, else its first term.
        long peak = Math.max(k, Math.min(n, (long) Math.floor((n + 1) * p)));
        double logPeak = logChoose(n, peak) + peak * logP + (n - peak) * logQ;
        double sum = 1.0; // the terms scaled by the peak's
        double term = 1.0;
        for (long j = peak; j < n; j++) { // rightwards: term(j + 1) = term(j) (n - j) / (j + 1) p / q
            term *= (double) (n - j) / (j + 1) * odds;
            sum += term;
            if (term < sum * NEGLIGIBLE) {
                break;
            }
        }
        term = 1.0;
        for (long j = peak; j > k; j--) { // leftwards to k: term(j - 1) = term(j) j / (n - j + 1) q / p
            term *= (double) j / (n - j + 1) / odds;
            sum += term;
            if (term < sum * NEGLIGIBLE) {
                break;
            }
        }
        return Math.min(1.0, Math.exp(logPeak + Math.log(sum)));
    }

    /** @return log(n choose k) */
    static double logChoose(long n, long k) {
        return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
    }

    /** @return log(n!) */
    static double logFactorial(long n) {
        if (n < TABLE_SIZE) {
            return LOG_FACTORIAL[(int) n];
        }
        double x = n;
        double inverse = 1.0 / x;
        double inverseSquared = inverse * inverse;
        // Stirling: n log n - n + log(2 pi n) / 2 + 1/(12 n) - 1/(360 n^3) + 1/(1260 n^5); the next term is below 1e-19 here.
        return x * Math.log(x) - x + HALF_LOG_TWO_PI + 0.5 * Math.log(x)
                + inverse * (1.0 / 12 - inverseSquared * (1.0 / 360 - inverseSquared / 1260));
    }

    private static double[] logFactorials() {
        double[] table = new double[TABLE_SIZE];
        for (int i = 2; i < TABLE_SIZE; i++) {
            table[i] = table[i - 1] + Math.log(i);
        }
        return table;
    }
}
