package io.github.loadbalancer4j.retry.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Reads a {@code Retry-After} value (RFC 9110, section 10.2.3), whatever the client: either
 * delta-seconds (one or more digits) or an HTTP-date, which the client's own date parser reads. A
 * value that is neither is ignored, as the RFC allows for an invalid field.
 *
 * <p>Public for the loadbalancer4j modules; not API.
 */
public final class HttpRetryAfter {

    /** The header's name. */
    public static final String HEADER = "Retry-After";

    /** More digits than this may not fit in a {@code long}: such a wait is "very long", and is capped anyway. */
    private static final int MAX_EXACT_DIGITS = 18;

    private HttpRetryAfter() {
    }

    /**
     * @param value the header's value, or null when absent
     * @param now the time an HTTP-date is measured from
     * @param httpDate the client's parser of HTTP-dates; returns null for a value it cannot read
     * @return how long the server asked to wait (zero for a date already past), or null when the value
     *     is absent or neither delta-seconds nor an HTTP-date
     */
    public static @Nullable Duration parse(@Nullable String value, Instant now, Function<String, @Nullable Instant> httpDate) {
        if (value == null) {
            return null;
        }
        String trimmed = value.trim();
        if (isDigits(trimmed)) {
            return trimmed.length() > MAX_EXACT_DIGITS
                    ? Duration.ofSeconds(Long.MAX_VALUE) : Duration.ofSeconds(Long.parseLong(trimmed));
        }
        Instant date = httpDate.apply(trimmed);
        if (date == null) {
            return null;
        }
        Duration left = Duration.between(now, date);
        return left.isNegative() ? Duration.ZERO : left;
    }

    private static boolean isDigits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
