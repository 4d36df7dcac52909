package io.github.loadbalancer4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class OutlierEjectionConfigTest {

    @Test
    void defaultsAreEnvoysAndGrpcs() {
        OutlierEjectionConfig config = OutlierEjectionConfig.ofDefaults();

        assertThat(config.getMode()).isEqualTo(OutlierEjectionConfig.Mode.SUCCESS_RATE);
        assertThat(config.getInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.getMaxEjectionPercent()).isEqualTo(10);
        assertThat(config.getStdevFactor()).isEqualTo(1.9);
        assertThat(config.getMinimumHosts()).isEqualTo(5);
        assertThat(config.getRequestVolume()).isEqualTo(100);
        assertThat(config.getSignificance()).isEqualTo(1e-6);
    }

    @Test
    void failurePercentageModeTakesItsOwnDefaultVolume() {
        OutlierEjectionConfig config = OutlierEjectionConfig.custom().failurePercentage(85).build();

        assertThat(config.getMode()).isEqualTo(OutlierEjectionConfig.Mode.FAILURE_PERCENTAGE);
        assertThat(config.getFailurePercentageThreshold()).isEqualTo(85);
        assertThat(config.getMinimumHosts()).isEqualTo(5);
        assertThat(config.getRequestVolume()).isEqualTo(50);
    }

    @Test
    void fromCopiesEverySettingAndLetsTheModeChange() {
        OutlierEjectionConfig base = OutlierEjectionConfig.custom().interval(Duration.ofSeconds(3)).maxEjectionPercent(30)
                .successRate(2.5).minimumHosts(3).significance(1e-3).build();

        OutlierEjectionConfig copy = OutlierEjectionConfig.from(base).build();
        OutlierEjectionConfig switched = OutlierEjectionConfig.from(base).failurePercentage(90).build();

        assertThat(copy).usingRecursiveComparison().isEqualTo(base);
        assertThat(switched.getMode()).isEqualTo(OutlierEjectionConfig.Mode.FAILURE_PERCENTAGE);
        assertThat(switched.getInterval()).isEqualTo(Duration.ofSeconds(3));
        assertThat(switched.getRequestVolume()).as("the new mode's default: none was set").isEqualTo(50);
    }

    @Test
    void badValuesAreRejectedNamingTheValueAndTheRange() {
        OutlierEjectionConfig.Builder b = OutlierEjectionConfig.custom();

        assertThatThrownBy(() -> b.interval(Duration.ofMillis(50)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("interval: PT0.05S (expected: 100 ms to 1 day)");
        assertThatThrownBy(() -> b.interval(Duration.ofDays(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("interval: PT48H (expected: 100 ms to 1 day)");
        assertThatThrownBy(() -> b.interval(null)).isInstanceOf(NullPointerException.class).hasMessage("interval");
        assertThatThrownBy(() -> b.maxEjectionPercent(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxEjectionPercent: 0 (expected: 1-100)");
        assertThatThrownBy(() -> b.maxEjectionPercent(101))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxEjectionPercent: 101 (expected: 1-100)");
        assertThatThrownBy(() -> b.successRate(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("stdevFactor: 0.0 (expected: > 0)");
        assertThatThrownBy(() -> b.successRate(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("stdevFactor: NaN (expected: > 0)");
        assertThatThrownBy(() -> b.successRate(Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("stdevFactor: Infinity (expected: > 0)");
        assertThatThrownBy(() -> b.failurePercentage(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("failurePercentageThreshold: 0 (expected: 1-100)");
        assertThatThrownBy(() -> b.failurePercentage(120))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("failurePercentageThreshold: 120 (expected: 1-100)");
        assertThatThrownBy(() -> b.minimumHosts(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("minimumHosts: 0 (expected: >= 1)");
        assertThatThrownBy(() -> b.requestVolume(-5))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("requestVolume: -5 (expected: >= 1)");
        assertThatThrownBy(() -> b.significance(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("significance: 0.0 (expected: > 0.0 and <= 1.0)");
        assertThatThrownBy(() -> b.significance(1.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("significance: 1.5 (expected: > 0.0 and <= 1.0)");
        assertThatThrownBy(() -> LoadBalancerConfig.custom().outlierEjection(null))
                .isInstanceOf(NullPointerException.class).hasMessage("outlierEjection");
    }

    @Test
    void conflictingSettingsFailInBuildNamingBoth() {
        assertThatThrownBy(() -> OutlierEjectionConfig.custom().successRate(2.0).failurePercentage(90).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("successRate(2.0) and failurePercentage(90) were both set (expected: one mode)");
        assertThatThrownBy(() -> OutlierEjectionConfig.custom().significance(1e-3).failurePercentage(90).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("significance(0.001) was set with failurePercentage(90) (expected: significance only in success-rate mode)");
    }

    @Test
    void loadBalancerConfigCarriesItAndSaysSo() {
        OutlierEjectionConfig outliers = OutlierEjectionConfig.ofDefaults();

        LoadBalancerConfig config = LoadBalancerConfig.custom().outlierEjection(outliers).build();

        assertThat(config.getOutlierEjection()).isSameAs(outliers);
        assertThat(LoadBalancerConfig.from(config).build().getOutlierEjection()).isSameAs(outliers);
        assertThat(config.toString()).contains("outlierEjection=OutlierEjectionConfig{successRate(stdevFactor=1.9, significance=1.0E-6),"
                + " interval=PT10S, maxEjectionPercent=10, minimumHosts=5, requestVolume=100}");
    }
}
