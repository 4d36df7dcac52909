package io.github.loadbalancer4j.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.dns.ScriptedDnsServer.BadAnswer;
import io.github.loadbalancer4j.event.DiscoveryFailedEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A datagram that is not a valid response to the query asked is a failed lookup, never an answer:
 * the last good list stays, the failure is reported, and the next good answer is applied. Against a
 * real UDP server on loopback that sends each bad shape.
 */
class DnsBadAnswerTest {

    private static final Duration INTERVAL = Duration.ofMillis(200);
    private static final Duration TIMEOUT = Duration.ofMillis(150);
    private static final Duration BOUND = Duration.ofSeconds(10);

    static Stream<Arguments> badAnswers() {
        return Stream.of(
                Arguments.of(BadAnswer.ECHOED_QUERY, "not a response to the query: the QR bit is clear (the server echoed the query?)"),
                Arguments.of(BadAnswer.WRONG_ID, "timed out after PT0.15S"),
                Arguments.of(BadAnswer.WRONG_QUESTION_NAME, "WireParseException: invalid name in message: expected orders.svc.test.; got elsewhere.svc.test."),
                Arguments.of(BadAnswer.WRONG_QUESTION_TYPE, "WireParseException: invalid type in message: expected A; got AAAA"),
                Arguments.of(BadAnswer.WRONG_QUESTION_CLASS, "WireParseException: invalid class in message: expected IN; got CH"),
                Arguments.of(BadAnswer.NO_QUESTION, "WireParseException: invalid message: question section missing"),
                Arguments.of(BadAnswer.WRONG_OPCODE, "not a response to the query: opcode NOTIFY (expected: QUERY)"),
                Arguments.of(BadAnswer.TRUNCATED, "WireParseException: end of input"),
                Arguments.of(BadAnswer.SHORTER_THAN_A_HEADER, "WireParseException: invalid DNS header - too short"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badAnswers")
    void aBadAnswerKeepsTheLastGoodListReportsTheFailureAndTheNextGoodAnswerApplies(BadAnswer shape, String reason)
            throws Exception {
        try (ScriptedDnsServer server = new ScriptedDnsServer()) {
            server.answer("127.0.0.11", "127.0.0.12");
            try (DnsInstanceSource source = DnsInstanceSource.forAddresses("orders.svc.test", 8080)
                    .resolver(server.address()).interval(INTERVAL).timeout(TIMEOUT).build();
                    LoadBalancer lb = LoadBalancer.of("orders", source)) {
                List<DiscoveryFailedEvent> failures = new CopyOnWriteArrayList<>();
                lb.getEventPublisher().onDiscoveryFailed(failures::add);
                List<List<String>> published = new CopyOnWriteArrayList<>();
                source.subscribe(new ListRecorder(published));
                List<String> before = hostPorts(lb);

                server.answerBadly(shape);
                await().atMost(BOUND).until(() -> failures.size() >= 3);

                assertThat(before).containsExactly("127.0.0.11:8080", "127.0.0.12:8080");
                assertThat(hostPorts(lb)).containsExactly("127.0.0.11:8080", "127.0.0.12:8080");
                assertThat(published).allSatisfy(list -> assertThat(list).isNotEmpty());
                assertThat(failures.get(0).getCause()).isInstanceOf(DnsLookupException.class)
                        .hasMessage("DNS lookup of orders.svc.test. A at " + server.address() + " failed: " + reason);

                server.answer("127.0.0.13");

                await().atMost(BOUND).until(() -> hostPorts(lb).equals(List.of("127.0.0.13:8080")));
                assertThat(published).allSatisfy(list -> assertThat(list).isNotEmpty());
            }
        }
    }

    private static List<String> hostPorts(LoadBalancer lb) {
        return lb.getInstances().stream().map(s -> s.instance().id()).collect(Collectors.toList());
    }

    /** Records every list the source publishes, as ids. */
    private static final class ListRecorder implements InstanceSource.Listener {
        private final List<List<String>> published;

        ListRecorder(List<List<String>> published) {
            this.published = published;
        }

        @Override
        public void onInstances(List<ServiceInstance> instances) {
            published.add(instances.stream().map(ServiceInstance::id).collect(Collectors.toList()));
        }

        @Override
        public void onDiscoveryFailure(Throwable cause) {
        }
    }
}
