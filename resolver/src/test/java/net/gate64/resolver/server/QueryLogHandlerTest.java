package net.gate64.resolver.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.gate64.common.log.LogFormat;
import net.gate64.common.log.LogLevel;
import net.gate64.common.log.Logs;
import net.gate64.resolver.pipeline.DropReason;
import net.gate64.resolver.query.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class QueryLogHandlerTest {
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private PrintStream previous;
    private final List<String> outcomes = new ArrayList<>();

    @BeforeEach
    void capture() {
        previous = Logs.redirect(new PrintStream(captured, true, StandardCharsets.UTF_8));
        Logs.configure(LogLevel.INFO, LogFormat.TEXT);
    }

    @AfterEach
    void restore() {
        Logs.redirect(previous);
    }

    private List<String> lines() {
        return captured.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("logger=Queries")).toList();
    }

    private static ByteBuf query(String name, int type) {
        Message m = new Message();
        m.addRecord(Record.newRecord(Name.fromConstantString(name), type, DClass.IN), Section.QUESTION);
        return Unpooled.wrappedBuffer(m.toWire());
    }

    /** Answers NOERROR, except names starting with "drop" (dropped as overload) and "nx" (NXDOMAIN). */
    private final QueryHandler fake = (q, remote, local, t, alloc, loop, respond) -> {
        String name = new String(q.array(), q.readerIndex() + 13, 2, StandardCharsets.US_ASCII);
        if (name.equals("dr")) {
            respond.drop(DropReason.OVERLOAD);
        } else if (name.equals("sl")) { // the slow path: answered later through the kept responder, as Frontend does
            respond.keep().send(Unpooled.EMPTY_BUFFER, Rcode.SERVFAIL);
        } else {
            respond.send(Unpooled.EMPTY_BUFFER, name.equals("nx") ? Rcode.NXDOMAIN : Rcode.NOERROR);
        }
    };

    private final Responder outer = new Responder() {
        @Override
        public void send(ByteBuf reply, int rcode) {
            outcomes.add("sent " + rcode);
        }

        @Override
        public void drop(DropReason why) {
            outcomes.add("dropped " + why.label());
        }

        /** Like the UDP transport: the responder passed in is reused, a kept one is another object. */
        @Override
        public Responder keep() {
            return new Responder() {
                @Override
                public void send(ByteBuf reply, int rcode) {
                    outcomes.add("kept sent " + rcode);
                }

                @Override
                public void drop(DropReason why) {
                    outcomes.add("kept dropped " + why.label());
                }
            };
        }
    };

    private void ask(QueryHandler h, String name, int type) {
        h.onQuery(query(name, type), new InetSocketAddress("192.0.2.7", 5353), new InetSocketAddress("127.0.0.1", 53),
                Transport.UDP, null, null, outer);
    }

    @Test
    void oneLinePerQueryWithItsOutcomeAndTheOutcomePassedOn() {
        QueryHandler h = new QueryLogHandler(fake, 1);
        ask(h, "example.org.", Type.AAAA);
        ask(h, "nx.example.", Type.A);
        ask(h, "drop.example.", Type.TXT);
        ask(h, "slow.example.", Type.A);
        assertEquals(List.of("sent 0", "sent 3", "dropped overload", "kept sent 2"), outcomes,
                "a later answer goes through the transport's kept responder");
        List<String> l = lines();
        assertEquals(4, l.size(), l.toString());
        assertTrue(l.get(3).contains("qname=slow.example. qtype=A transport=udp rcode=servfail"), l.get(3));
        assertTrue(l.get(0).matches(".* msg=query client=192\\.0\\.2\\.7 qname=example\\.org\\. qtype=AAAA transport=udp "
                + "rcode=noerror ms=\\d+\\.?\\d*"), l.get(0));
        assertTrue(l.get(1).contains("qname=nx.example. qtype=A transport=udp rcode=nxdomain"), l.get(1));
        assertTrue(l.get(2).endsWith("qname=drop.example. qtype=TXT transport=udp dropped=overload"), l.get(2));
    }

    @Test
    void onlySampledQueriesAreLoggedAndNoneBelowInfo() {
        AtomicInteger n = new AtomicInteger();
        QueryHandler h = new QueryLogHandler(fake, () -> n.incrementAndGet() % 3 == 0);
        for (int i = 0; i < 9; i++) {
            ask(h, "example.org.", Type.A);
        }
        assertEquals(3, lines().size());
        assertEquals(9, outcomes.size(), "every query still answered");
        Logs.configure(LogLevel.WARN, LogFormat.TEXT);
        try {
            ask(new QueryLogHandler(fake, 1), "example.org.", Type.A);
        } finally {
            Logs.configure(LogLevel.INFO, LogFormat.TEXT);
        }
        assertEquals(3, lines().size());
    }
}
