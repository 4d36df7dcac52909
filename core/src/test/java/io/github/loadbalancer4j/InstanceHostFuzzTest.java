package io.github.loadbalancer4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import okhttp3.HttpUrl;

/**
 * Fuzzes the host check: whatever {@link ServiceInstance#of(String, int)} accepts, OkHttp's
 * {@code HttpUrl} and {@code java.net.URI} can address, and {@code parse} reads back; whatever it
 * refuses, it refuses with an {@link IllegalArgumentException} naming the value. The generators lean
 * toward strings that look like hosts (labels, dots, digits, colons, brackets, '%', non-ASCII
 * letters, long labels), where the edges are.
 */
class InstanceHostFuzzTest {

    private static final int PORT = 8080;

    @Property(tries = 100_000)
    void everyAcceptedHostIsAddressableAndEveryRefusalNamesTheValue(@ForAll("hostLike") String given) {
        // Both verdicts must be common, or the run says little about the edge between them.
        Statistics.label("verdict").coverage(coverage -> {
            coverage.check("accepted").percentage(p -> p > 20);
            coverage.check("refused").percentage(p -> p > 20);
        });
        ServiceInstance instance;
        try {
            instance = ServiceInstance.of(given, PORT);
        } catch (IllegalArgumentException refused) {
            assertThat(refused).hasMessageStartingWith("host: '" + given + "' (expected: ");
            assertRefusedOnlyByDecision(given, refused.getMessage());
            Statistics.label("verdict").collect("refused");
            return;
        }
        String host = instance.host();

        HttpUrl okhttp = new HttpUrl.Builder().scheme("http").host(host).port(PORT).build();
        URI uri = instance.uri("/orders/42?full=true");

        assertThat(okhttp.port()).isEqualTo(PORT);
        assertThat(uri.getHost()).as("java.net.URI host of %s", uri).isEqualTo(host.indexOf(':') >= 0 ? "[" + host + "]" : host);
        assertThat(uri.getPort()).isEqualTo(PORT);
        assertThat(ServiceInstance.parse(instance.uri().toString()).host()).isEqualTo(host);
        Statistics.label("verdict").collect("accepted");
    }

    /**
     * A host that both OkHttp and {@code java.net.URI} would take as it is is refused only for the
     * reasons decided on purpose: an IPv4-looking number with leading zeros (read as octal by some
     * resolvers), a name that is all digits (read as an address), an {@code xn--} label that is not
     * valid IDNA (OkHttp only checks that it decodes), or a {@code %}: OkHttp percent-decodes a host
     * ({@code ::%30} is {@code ::0} to it, {@code ho%73t} is {@code host}) where {@code java.net.URI}
     * reads an IPv6 zone, and an instance's host is taken as written, never decoded.
     */
    private static void assertRefusedOnlyByDecision(String given, String message) {
        if (!okHttpTakes(given) || !uriTakes(given)) {
            return;
        }
        assertThat(message).as("refused although OkHttp and java.net.URI take it")
                .containsAnyOf("not all digits", "without leading zeros", "valid IDNA", "without '%'", "without a zone ID");
    }

    private static boolean okHttpTakes(String host) {
        try {
            new HttpUrl.Builder().scheme("http").host(host).build();
            return true;
        } catch (RuntimeException e) {
            // IllegalArgumentException; and ArrayIndexOutOfBoundsException for nine IPv6 groups with
            // "::" (OkHttp 5.5.1), one more reason to check hosts before OkHttp sees them.
            return false;
        }
    }

    private static boolean uriTakes(String host) {
        try {
            String bracketed = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
            return new URI("http://" + bracketed + ":" + PORT + "/").getHost() != null;
        } catch (Exception e) {
            return false;
        }
    }

    @Provide
    Arbitrary<String> hostLike() {
        return Arbitraries.frequencyOf(
                Tuple.of(20, tokens()),
                Tuple.of(30, dottedNames()),
                Tuple.of(12, ipv4Like()),
                Tuple.of(15, ipv6Like()),
                Tuple.of(8, internationalNames()),
                Tuple.of(5, longNames()),
                Tuple.of(5, Arbitraries.strings().ofMaxLength(20)));
    }

    private static Arbitrary<String> label() {
        return Arbitraries.frequencyOf(
                Tuple.of(10, Arbitraries.strings().withChars("abcxyzABXZ0189").ofMinLength(1).ofMaxLength(10)),
                Tuple.of(4, Arbitraries.strings().withChars("abz09-").ofMinLength(0).ofMaxLength(8)),
                Tuple.of(2, Arbitraries.strings().withChars("ab9-").ofMinLength(60).ofMaxLength(66)),
                Tuple.of(1, Arbitraries.of("xn--bcher-kva", "xn--", "xn--a", "XN--MNCHEN-3YA", "xn--zzzzzzzzzz", "xn--ls8h")));
    }

    /** Concatenated fragments: the odd characters of hosts next to ordinary ones. */
    private static Arbitrary<String> tokens() {
        Arbitrary<String> punctuation = Arbitraries.of(".", ".", "..", ":", "::", "[", "]", "%", "%25", "_", "-", "{",
                "}", "@", "/", " ", "\t", "#", "?", "\\", "|", "^", "~", "*", "+", "=", "!", "$", "&", "'", "(", ",",
                ";", "<", "\"", "`", "\u0000", "\u007f", "\u0080", "eth0");
        Arbitrary<String> token = Arbitraries.frequencyOf(
                Tuple.of(30, label()),
                Tuple.of(25, punctuation),
                Tuple.of(10, Arbitraries.integers().between(0, 999).map(String::valueOf)),
                Tuple.of(10, Arbitraries.strings().withChars("0123456789abcdefABCDEF").ofMinLength(1).ofMaxLength(5)),
                Tuple.of(8, unicode()));
        return token.list().ofMinSize(0).ofMaxSize(10).map(parts -> String.join("", parts));
    }

    /** Labels shaped as RFC 1123 wants them, most of the time. */
    private static Arbitrary<String> wellFormedLabel() {
        Arbitrary<String> letters = Arbitraries.strings().withChars("abcdefxyzABXZ").ofMinLength(1).ofMaxLength(1);
        Arbitrary<String> middle = Arbitraries.strings().withChars("abcxyz0189-").ofMinLength(0).ofMaxLength(10);
        Arbitrary<String> last = Arbitraries.strings().withChars("abcxyz0189").ofMinLength(0).ofMaxLength(1);
        return Combinators.combine(letters, middle, last).as((a, b, c) -> c.isEmpty() ? a : a + b + c);
    }

    private static Arbitrary<String> dottedNames() {
        Arbitrary<String> anyLabel = Arbitraries.frequencyOf(Tuple.of(3, wellFormedLabel()), Tuple.of(1, label()));
        Arbitrary<String> name = anyLabel.list().ofMinSize(1).ofMaxSize(6).map(labels -> String.join(".", labels));
        return Combinators.combine(name, Arbitraries.of("", "", "", ".", "..", "_x", "-")).as((n, suffix) -> n + suffix);
    }

    private static Arbitrary<String> ipv4Like() {
        Arbitrary<String> octet = Arbitraries.frequencyOf(
                Tuple.of(10, Arbitraries.integers().between(0, 255).map(String::valueOf)),
                Tuple.of(2, Arbitraries.integers().between(256, 1000).map(String::valueOf)),
                Tuple.of(2, Arbitraries.integers().between(0, 99).map(i -> "0" + i)),
                Tuple.of(1, Arbitraries.of("", "a", "0x7f", "-1")));
        return octet.list().ofMinSize(1).ofMaxSize(5).map(octets -> String.join(".", octets));
    }

    private static Arbitrary<String> ipv6Like() {
        Arbitrary<String> group = Arbitraries.frequencyOf(
                Tuple.of(10, Arbitraries.strings().withChars("0123456789abcdefABCDEF").ofMinLength(1).ofMaxLength(4)),
                Tuple.of(2, Arbitraries.of("", "12345", "g", "1.2.3.4", "255.255.255.255", "1.2.3")));
        Arbitrary<List<String>> groups = group.list().ofMinSize(0).ofMaxSize(9);
        Arbitrary<Integer> compressAt = Arbitraries.integers().between(-1, 9);
        Arbitrary<String> zone = Arbitraries.of("", "", "", "", "%eth0", "%25eth0", "%1", "%");
        Arbitrary<String> brackets = Arbitraries.of("", "", "[]", "[", "]");
        return Combinators.combine(groups, compressAt, zone, brackets).as((gs, at, z, b) -> {
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < gs.size(); i++) {
                s.append(i == at ? "::" : i > 0 ? ":" : "").append(gs.get(i));
            }
            if (at >= gs.size()) {
                s.append("::");
            }
            s.append(z);
            String address = s.toString();
            switch (b) {
                case "[]": return "[" + address + "]";
                case "[": return "[" + address;
                case "]": return address + "]";
                default: return address;
            }
        });
    }

    private static Arbitrary<String> unicode() {
        return Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.of("ü", "ß", "é", "ñ", "日本", "пример", "العربية", "ｅｘａｍｐｌｅ", "１２７", "Ⅸ",
                        "\u3002", "\uff0e", "\uff61", "\u200d", "\u00ad", "\u0301", "\ud83d\ude00", "\ud800", "\ufffd",
                        "\u0130", "\u212a", "\ufb01", "\u2488")),
                Tuple.of(3, Arbitraries.strings().withCharRange('\u00a0', '\u2fff').ofMinLength(1).ofMaxLength(3)),
                Tuple.of(1, Arbitraries.strings().all().ofMinLength(1).ofMaxLength(2)));
    }

    private static Arbitrary<String> internationalNames() {
        Arbitrary<String> part = Arbitraries.frequencyOf(Tuple.of(2, label()), Tuple.of(3, unicode()));
        Arbitrary<String> unicodeLabel = part.list().ofMinSize(1).ofMaxSize(3).map(parts -> String.join("", parts));
        return unicodeLabel.list().ofMinSize(1).ofMaxSize(4).map(labels -> String.join(".", labels));
    }

    /** Names near the 253-character limit. */
    private static Arbitrary<String> longNames() {
        Arbitrary<String> part = Arbitraries.strings().withChars("abc").ofMinLength(1).ofMaxLength(63);
        return part.list().ofMinSize(3).ofMaxSize(9).map(labels -> String.join(".", labels));
    }
}
