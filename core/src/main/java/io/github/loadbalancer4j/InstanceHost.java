package io.github.loadbalancer4j;

import java.net.IDN;

/**
 * Checks that a host can stand in a URL, so that every HTTP client (OkHttp's {@code HttpUrl},
 * {@code java.net.URI} and the clients built on it) can address an instance built with it. Accepted:
 * <ul>
 *   <li>a host name by RFC 1123: labels of 1-63 letters, digits and hyphens, not starting or ending
 *       with a hyphen, at most 253 characters, an optional trailing dot; the last label starts with a
 *       letter (RFC 1123 2.1; {@code java.net.URI} sees no host otherwise), and a single label is not
 *       all digits (resolvers read {@code 123} as the address 0.0.0.123);
 *   <li>an internationalized host name, converted to ASCII ({@code bücher.example} becomes
 *       {@code xn--bcher-kva.example}) by {@link IDN#toASCII(String)};
 *   <li>an IPv4 address: four decimal numbers 0-255 without leading zeros (which some parsers read as
 *       octal);
 *   <li>an IPv6 address, with or without brackets, without a zone ID: neither RFC 3986 nor OkHttp lets
 *       a URL carry one.
 * </ul>
 * Underscores are refused: {@code java.net.URI} parses {@code http://my_service:8080} as an authority
 * without a host, so {@link ServiceInstance#uri()} would hand out a URI that the JDK's HTTP client and
 * most others refuse.
 *
 * <p>Runs once per instance, at construction; nothing on the call path.
 */
final class InstanceHost {

    private static final int MAX_NAME_LENGTH = 253;
    private static final int MAX_LABEL_LENGTH = 63;

    private InstanceHost() {
    }

    /**
     * Checks a host and returns the form an instance keeps.
     *
     * @param given the host as the caller gave it (surrounding whitespace is ignored)
     * @return the host without brackets, an internationalized name in its ASCII form
     * @throws IllegalArgumentException if no URL can hold the host, naming it and what was expected
     */
    static String check(String given) {
        String host = given.trim();
        if (host.startsWith("[")) {
            if (!host.endsWith("]")) {
                throw invalid(given, "an IPv6 address in brackets, as in [2001:db8::1]");
            }
            host = host.substring(1, host.length() - 1);
            if (host.indexOf(':') < 0) {
                throw invalid(given, "an IPv6 address in brackets, as in [2001:db8::1]");
            }
        }
        if (host.isEmpty()) {
            throw invalid(given, "a non-empty host name or address");
        }
        if (host.indexOf(':') >= 0) {
            checkIpv6(given, host);
            return host;
        }
        String ascii = isAscii(host) ? host : toAscii(given, host);
        if (!isIpv4(ascii)) {
            checkHostName(given, ascii);
        }
        return ascii;
    }

    private static void checkIpv6(String given, String host) {
        int zone = host.indexOf('%');
        if (zone >= 0 && Ipv6.isValid(host.substring(0, zone))) {
            throw invalid(given, "an IPv6 address without a zone ID: a URL cannot carry '" + host.substring(zone)
                    + "'; use an address that needs no zone (not link-local), as '" + host.substring(0, zone) + "'");
        }
        if (!Ipv6.isValid(host)) {
            throw invalid(given, "an IPv6 address such as 2001:db8::1 (a host name or IPv4 address has no ':')");
        }
    }

    private static String toAscii(String given, String host) {
        try {
            return IDN.toASCII(host);
        } catch (IllegalArgumentException e) {
            throw invalid(given, "an internationalized host name that IDNA converts to ASCII: " + e.getMessage());
        }
    }

    private static void checkHostName(String given, String name) {
        int end = name.endsWith(".") ? name.length() - 1 : name.length();
        if (name.length() > MAX_NAME_LENGTH) {
            throw invalid(given, "a host name of at most " + MAX_NAME_LENGTH + " characters, not " + name.length());
        }
        int labelStart = 0;
        int labels = 0;
        while (labelStart <= end) {
            int dot = name.indexOf('.', labelStart);
            int labelEnd = dot < 0 || dot > end ? end : dot;
            checkLabel(given, name, labelStart, labelEnd);
            labels++;
            if (labelEnd == end) {
                boolean allDigits = true;
                for (int i = labelStart; i < labelEnd; i++) {
                    allDigits &= isDigit(name.charAt(i));
                }
                if (labels > 1 && !isLetter(name.charAt(labelStart))) {
                    throw invalid(given, "an IPv4 address of four numbers 0-255 without leading zeros, "
                            + "or a host name whose last label starts with a letter");
                }
                if (allDigits) {
                    throw invalid(given, "a host name that is not all digits, or an IPv4 address");
                }
                return;
            }
            labelStart = labelEnd + 1;
        }
    }

    private static void checkLabel(String given, String name, int start, int end) {
        if (start == end) {
            throw invalid(given, "a host name without empty labels (nothing between two dots, or at the start)");
        }
        if (end - start > MAX_LABEL_LENGTH) {
            throw invalid(given, "labels of at most " + MAX_LABEL_LENGTH + " characters, not " + (end - start));
        }
        for (int i = start; i < end; i++) {
            char c = name.charAt(i);
            if (!isLetter(c) && !isDigit(c) && c != '-') {
                throw invalid(given, "a host name or address, without '" + c + "'");
            }
        }
        if (name.charAt(start) == '-' || name.charAt(end - 1) == '-') {
            throw invalid(given, "labels that start and end with a letter or digit");
        }
        if (end - start >= 4 && name.regionMatches(true, start, "xn--", 0, 4)) {
            checkPunycode(given, name.substring(start, end));
        }
    }

    /** An ASCII label in IDNA form must decode, and encode back to itself (IDNA's own round-trip check). */
    private static void checkPunycode(String given, String label) {
        String unicode = IDN.toUnicode(label);
        boolean valid;
        try {
            valid = !unicode.equalsIgnoreCase(label) && IDN.toASCII(unicode).equalsIgnoreCase(label);
        } catch (IllegalArgumentException e) {
            valid = false;
        }
        if (!valid) {
            throw invalid(given, "'xn--' labels that are valid IDNA (Punycode), not '" + label + "'");
        }
    }

    private static boolean isIpv4(String host) {
        int octets = 0;
        int i = 0;
        int n = host.length();
        while (i < n && octets < 4) {
            int start = i;
            int value = 0;
            while (i < n && isDigit(host.charAt(i)) && i - start < 3) {
                value = value * 10 + host.charAt(i) - '0';
                i++;
            }
            int digits = i - start;
            if (digits == 0 || value > 255 || (digits > 1 && host.charAt(start) == '0')) {
                return false;
            }
            octets++;
            if (octets < 4) {
                if (i >= n || host.charAt(i) != '.') {
                    return false;
                }
                i++;
            }
        }
        return octets == 4 && i == n;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static IllegalArgumentException invalid(String given, String expected) {
        return new IllegalArgumentException("host: '" + given + "' (expected: " + expected + ")");
    }

    /** The text forms of RFC 4291 2.2: eight groups of 1-4 hex digits, one "::", an IPv4 tail. */
    static final class Ipv6 {

        private Ipv6() {
        }

        static boolean isValid(String s) {
            int compressed = s.indexOf("::");
            if (compressed >= 0 && s.indexOf("::", compressed + 1) >= 0) {
                return false;
            }
            if (compressed < 0) {
                return groups(s, false) == 8;
            }
            String head = s.substring(0, compressed);
            String tail = s.substring(compressed + 2);
            int headGroups = head.isEmpty() ? 0 : groups(head, true);
            int tailGroups = tail.isEmpty() ? 0 : groups(tail, false);
            return headGroups >= 0 && tailGroups >= 0 && headGroups + tailGroups <= 7;
        }

        /** @return the groups in {@code s} (an IPv4 tail counts two), or -1 if it is not a list of groups */
        private static int groups(String s, boolean beforeCompression) {
            int count = 0;
            int start = 0;
            while (true) {
                int colon = s.indexOf(':', start);
                int end = colon < 0 ? s.length() : colon;
                if (colon < 0 && !beforeCompression && s.indexOf('.', start) >= 0) {
                    return isIpv4(s.substring(start)) ? count + 2 : -1;
                }
                if (!isHexGroup(s, start, end)) {
                    return -1;
                }
                count++;
                if (colon < 0) {
                    return count;
                }
                start = colon + 1;
            }
        }

        private static boolean isHexGroup(String s, int start, int end) {
            if (end - start < 1 || end - start > 4) {
                return false;
            }
            for (int i = start; i < end; i++) {
                char c = s.charAt(i);
                if (!isDigit(c) && !(c >= 'a' && c <= 'f') && !(c >= 'A' && c <= 'F')) {
                    return false;
                }
            }
            return true;
        }
    }
}
