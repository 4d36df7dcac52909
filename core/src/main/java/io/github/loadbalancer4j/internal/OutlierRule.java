package io.github.loadbalancer4j.internal;

import io.github.loadbalancer4j.OutlierEjectionConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which instances of one sweep are outliers, by the config's mode: a function of the calls each
 * instance's breaker recorded in the interval and nothing else. Envoy's and gRPC's rules (gRFC A50),
 * with one addition in success-rate mode: the binomial test of {@link OutlierEjectionConfig#getSignificance()}.
 */
final class OutlierRule {

    /** One instance found to be an outlier. */
    static final class Finding {
        /** Its index in the arrays given to {@link #find}. */
        final int index;
        final long calls;
        final double successRate;
        /** The success rate it fell below (success-rate mode) or to (failure-percentage mode). */
        final double threshold;

        Finding(int index, long calls, double successRate, double threshold) {
            this.index = index;
            this.calls = calls;
            this.successRate = successRate;
            this.threshold = threshold;
        }
    }

    private final OutlierEjectionConfig config;

    OutlierRule(OutlierEjectionConfig config) {
        this.config = config;
    }

    /**
     * @param successes each instance's successful calls in the interval
     * @param failures each instance's failed calls, same order
     * @param count how many entries of the arrays are used
     * @return the outliers, the lowest success rate first; empty when fewer than minimumHosts
     *     instances had requestVolume calls
     */
    List<Finding> find(long[] successes, long[] failures, int count) {
        int volume = config.getRequestVolume();
        int judged = 0;
        long allCalls = 0;
        long allFailures = 0;
        double rateSum = 0;
        for (int i = 0; i < count; i++) {
            long calls = successes[i] + failures[i];
            if (calls >= volume) {
                judged++;
                allCalls += calls;
                allFailures += failures[i];
                rateSum += (double) successes[i] / calls;
            }
        }
        if (judged == 0 || judged < config.getMinimumHosts()) {
            return List.of();
        }
        List<Finding> found = config.getMode() == OutlierEjectionConfig.Mode.SUCCESS_RATE
                ? bySuccessRate(successes, failures, count, judged, rateSum, allCalls, allFailures)
                : byFailurePercentage(successes, failures, count);
        found.sort(Comparator.comparingDouble(f -> f.successRate));
        return found;
    }

    private List<Finding> bySuccessRate(long[] successes, long[] failures, int count, int judged, double rateSum,
            long allCalls, long allFailures) {
        int volume = config.getRequestVolume();
        double mean = rateSum / judged;
        double squares = 0;
        for (int i = 0; i < count; i++) {
            long calls = successes[i] + failures[i];
            if (calls >= volume) {
                double d = (double) successes[i] / calls - mean;
                squares += d * d;
            }
        }
        // The population's standard deviation, as Envoy and gRPC compute it.
        double threshold = mean - config.getStdevFactor() * Math.sqrt(squares / judged);
        double significance = config.getSignificance();
        List<Finding> found = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long calls = successes[i] + failures[i];
            double rate = calls == 0 ? 1.0 : (double) successes[i] / calls;
            if (calls < volume || !(rate < threshold)) {
                continue;
            }
            if (significance < 1.0) {
                // How often would an instance failing as the others do fail this often? The others' rate
                // with one failure and one success added (Laplace), so that a fleet with no failure at all
                // does not make a single failure infinitely unlikely.
                double othersRate = (allFailures - failures[i] + 1.0) / (allCalls - calls + 2.0);
                if (!(BinomialTail.atLeast(failures[i], calls, othersRate) < significance)) {
                    continue;
                }
            }
            found.add(new Finding(i, calls, rate, threshold));
        }
        return found;
    }

    private List<Finding> byFailurePercentage(long[] successes, long[] failures, int count) {
        int volume = config.getRequestVolume();
        int percent = config.getFailurePercentageThreshold();
        List<Finding> found = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long calls = successes[i] + failures[i];
            if (calls >= volume && failures[i] * 100 >= (long) percent * calls) {
                found.add(new Finding(i, calls, (double) successes[i] / calls, 1.0 - percent / 100.0));
            }
        }
        return found;
    }
}
