package io.github.loadbalancer4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** One parser of strategy names for configuration: kebab-case, camelCase, zone-preferring with an inner one. */
class StrategyNamesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "round-robin | roundRobin", "roundRobin | roundRobin", "ROUND_ROBIN | roundRobin",
            "weighted-round-robin | weightedRoundRobin", "random | random", "weighted-random | weightedRandom",
            "least-requests | leastRequests", " peak-ewma  | peakEwma", "peakEwma | peakEwma",
            "consistent-hash | consistentHash"})
    void everyBuiltInStrategyHasAKebabAndACamelCaseName(String name, String expected) {
        assertThat(SelectionStrategy.parse(name)).hasToString(expected);
    }

    @Test
    void zonePreferringTakesAZoneAnInnerStrategyAndAFraction() {
        assertThat(SelectionStrategy.parse("zone-preferring(eu-west-1a)")).hasToString("zonePreferring(eu-west-1a, peakEwma)");
        assertThat(SelectionStrategy.parse("zone-preferring(eu-west-1a, round-robin)"))
                .hasToString("zonePreferring(eu-west-1a, roundRobin)");
        assertThat(SelectionStrategy.parse("zonePreferring(eu-west-1a, least-requests, 0.3)"))
                .hasToString("zonePreferring(eu-west-1a, leastRequests, minFraction=0.3)");
    }

    @Test
    void theToStringOfEveryBuiltInStrategyParsesBackToIt() {
        for (SelectionStrategy s : List.of(SelectionStrategy.roundRobin(), SelectionStrategy.weightedRoundRobin(),
                SelectionStrategy.random(), SelectionStrategy.weightedRandom(), SelectionStrategy.leastRequests(),
                SelectionStrategy.peakEwma(), SelectionStrategy.consistentHash(),
                SelectionStrategy.zonePreferring("b", SelectionStrategy.zonePreferring("a", SelectionStrategy.random()), 0.5))) {

            assertThat(SelectionStrategy.parse(s.toString())).as(s.toString()).hasToString(s.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fastest", "", "zone-preferring()", "zone-preferring(a, b, c, d)", "round-robin(a)", "peak ewma"})
    void unknownNamesFailWithTheKnownOnes(String name) {
        assertThatIllegalArgumentException().isThrownBy(() -> SelectionStrategy.parse(name))
                .withMessageStartingWith("strategy: '" + name + "' (expected: one of round-robin, weighted-round-robin, random,");
    }

    @Test
    void aFractionThatIsNoNumberIsNamed() {
        assertThatIllegalArgumentException().isThrownBy(() -> SelectionStrategy.parse("zone-preferring(a, random, lots)"))
                .withMessageEndingWith(": the minimum fraction 'lots' is not a number from 0.0 to 1.0");
        assertThatNullPointerException().isThrownBy(() -> SelectionStrategy.parse(null)).withMessage("name");
    }
}
