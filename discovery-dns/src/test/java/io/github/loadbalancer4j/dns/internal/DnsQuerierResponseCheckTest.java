package io.github.loadbalancer4j.dns.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The response check on its own, for the shapes dnsjava 3.6 already refuses before it runs (another id
 * or question; see {@code DnsBadAnswerTest} for every shape over a real socket), so the rule holds
 * whatever a later dnsjava checks.
 */
class DnsQuerierResponseCheckTest {

    private final Message query = Message.newQuery(Record.newRecord(Name.fromConstantString("orders.svc.test."), Type.A, DClass.IN));

    @Test
    void aResponseToTheQuestionAskedIsAResponse() {
        Message response = responseTo(query.getHeader().getID(), query.getQuestion());

        assertThat(DnsQuerier.notAResponseTo(query, response)).isNull();
    }

    @Test
    void theQueryItselfIsNoResponse() throws Exception {
        Message echoed = new Message(query.toWire());

        assertThat(DnsQuerier.notAResponseTo(query, echoed)).isEqualTo("the QR bit is clear (the server echoed the query?)");
    }

    @Test
    void anotherOpcodeIdOrQuestionIsNoResponse() {
        Message notify = responseTo(query.getHeader().getID(), query.getQuestion());
        notify.getHeader().setOpcode(Opcode.NOTIFY);
        Message otherId = responseTo(query.getHeader().getID() ^ 1, query.getQuestion());
        Message otherType = responseTo(query.getHeader().getID(), Record.newRecord(Name.fromConstantString("orders.svc.test."), Type.AAAA, DClass.IN));
        Message noQuestion = responseTo(query.getHeader().getID(), query.getQuestion());
        noQuestion.removeAllRecords(Section.QUESTION);

        assertThat(DnsQuerier.notAResponseTo(query, notify)).isEqualTo("opcode NOTIFY (expected: QUERY)");
        assertThat(DnsQuerier.notAResponseTo(query, otherId))
                .isEqualTo("id " + (query.getHeader().getID() ^ 1) + " (expected: " + query.getHeader().getID() + ")");
        assertThat(DnsQuerier.notAResponseTo(query, otherType)).startsWith("question orders.svc.test.").contains("AAAA");
        assertThat(DnsQuerier.notAResponseTo(query, noQuestion)).startsWith("question null (expected: orders.svc.test.");
    }

    private static Message responseTo(int id, Record question) {
        Message response = new Message(id);
        response.getHeader().setFlag(Flags.QR);
        response.addRecord(question, Section.QUESTION);
        return response;
    }
}
