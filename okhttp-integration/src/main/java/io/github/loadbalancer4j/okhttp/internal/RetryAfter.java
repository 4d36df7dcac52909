package io.github.loadbalancer4j.okhttp.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import okhttp3.Headers;
import org.jspecify.annotations.Nullable;

/**
 * Reads the {@code Retry-After} header (RFC 9110, section 10.2.3): either delta-seconds (one or more
 * digits) or an HTTP-date in any of the three forms a recipient must accept (IMF-fixdate
 * {@code Sun, 06 Nov 1994 08:49:37 GMT}, the obsolete RFC 850 {@code Sunday, 06-Nov-94 08:49:37 GMT}
 * and asctime {@code Sun Nov  6 08:49:37 1994}; OkHttp's {@link Headers#getDate} parses them). A value
 * that is neither is ignored, as the RFC allows for an invalid field.
 *
 * <p>Public for the loadbalancer4j modules; not API.
 */
public final class RetryAfter {

    /** The header's name. */
    public static final String HEADER = "Retry-After";

    /** More digits than this may not fit in a {@code long}: such a wait is "very long", and is capped anyway. */
    private static final int MAX_EXACT_DIGITS = 18;

    private RetryAfter() {
    }

    /**
     * @param headers a response's headers; when the header repeats, its last value counts
     * @param now the time an HTTP-date is measured from
     * @return how long the server asked to wait (zero for a date already past), or null when the
     *     header is absent or neither delta-seconds nor an HTTP-date
     */
    public static @Nullable Duration parse(Headers headers, Instant now) {
        String value = headers.get(HEADER);
        if (value == null) {
            return null;
        }
        String trimmed = value.trim();
        if (isDigits(trimmed)) {
            return trimmed.length() > MAX_EXACT_DIGITS
                    ? Duration.ofSeconds(Long.MAX_VALUE) : Duration.ofSeconds(Long.parseLong(trimmed));
        }
        Date date = headers.getDate(HEADER);
        if (date == null) {
            return null;
        }
        Duration left = Duration.between(now, date.toInstant());
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
