package io.github.loadbalancer4j.okhttp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import okhttp3.Headers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RetryAfterTest {

    /** Sun, 06 Nov 1994 08:49:37 GMT, the RFC's example date, minus 10 s. */
    private static final Instant NOW = Instant.parse("1994-11-06T08:49:27Z");

    private static Duration parse(String value) {
        return RetryAfter.parse(Headers.of(RetryAfter.HEADER, value), NOW);
    }

    @Test
    void deltaSecondsAreReadAsSeconds() {
        assertThat(parse("120")).isEqualTo(Duration.ofSeconds(120));
        assertThat(parse("0")).isEqualTo(Duration.ZERO);
        assertThat(parse(" 7 ")).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void moreSecondsThanALongHoldsAreAVeryLongWaitNotAFailure() {
        assertThat(parse("99999999999999999999999")).isEqualTo(Duration.ofSeconds(Long.MAX_VALUE));
    }

    @Test
    void everyHttpDateFormTheRfcNamesIsReadAgainstNow() {
        assertThat(parse("Sun, 06 Nov 1994 08:49:37 GMT")).isEqualTo(Duration.ofSeconds(10)); // IMF-fixdate
        assertThat(parse("Sunday, 06-Nov-94 08:49:37 GMT")).isEqualTo(Duration.ofSeconds(10)); // RFC 850
        assertThat(parse("Sun Nov  6 08:49:37 1994")).isEqualTo(Duration.ofSeconds(10)); // asctime
    }

    @Test
    void aDateAlreadyPastAsksForNoWait() {
        assertThat(parse("Sun, 06 Nov 1994 08:00:00 GMT")).isEqualTo(Duration.ZERO);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "soon", "-5", "+5", "1.5", "5s", "5 s", "0x10", "Sun, 06 Nov 1994", "32 Nov 1994 08:49:37 GMT"})
    void anythingElseIsIgnored(String value) {
        assertThat(parse(value)).isNull();
    }

    @Test
    void noHeaderIsNoWait() {
        assertThat(RetryAfter.parse(Headers.of(), NOW)).isNull();
    }

    @Test
    void theLastOfRepeatedHeadersCounts() {
        Headers twice = new Headers.Builder().add(RetryAfter.HEADER, "5").add(RetryAfter.HEADER, "9").build();

        assertThat(RetryAfter.parse(twice, NOW)).isEqualTo(Duration.ofSeconds(9));
    }
}
