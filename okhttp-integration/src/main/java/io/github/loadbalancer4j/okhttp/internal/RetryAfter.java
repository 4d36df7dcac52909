package io.github.loadbalancer4j.okhttp.internal;

import io.github.loadbalancer4j.retry.internal.HttpRetryAfter;
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
    public static final String HEADER = HttpRetryAfter.HEADER;

    private RetryAfter() {
    }

    /**
     * @param headers a response's headers; when the header repeats, its last value counts
     * @param now the time an HTTP-date is measured from
     * @return how long the server asked to wait (zero for a date already past), or null when the
     *     header is absent or neither delta-seconds nor an HTTP-date
     */
    public static @Nullable Duration parse(Headers headers, Instant now) {
        return HttpRetryAfter.parse(headers.get(HEADER), now, value -> {
            Date date = headers.getDate(HEADER);
            return date == null ? null : date.toInstant();
        });
    }
}
