package net.gate64.resolver.resolve;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import net.gate64.resolver.lab.AuthoritativeAnswerer;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Master;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Zone;

/**
 * A network of authoritative servers for unit tests of the iterator: each address answers from its zones (written
 * as zone-file text), or misbehaves as told; a silent server fails the query at once with a timeout (no clock runs).
 * Answers are handed over on the query's loop in a later task, as a real answer would arrive. Every query sent is
 * recorded as "address name/TYPE" (with "-edns" when it carried no OPT record).
 */
final class FakeNetwork implements Upstream {
    private final Map<InetAddress, AuthoritativeAnswerer> servers = new HashMap<>();
    private final Map<InetAddress, UnaryOperator<Message>> misbehaving = new HashMap<>();
    private final List<String> sent = new ArrayList<>();

    /** Adds a server for the given zones: each zone's text starts with its origin line "$ORIGIN name.". */
    FakeNetwork serve(String address, String... zones) {
        List<Zone> parsed = new ArrayList<>();
        for (String text : zones) {
            parsed.add(zone(text));
        }
        servers.put(address(address), new AuthoritativeAnswerer(parsed));
        return this;
    }

    /** The server at {@code address} answers with {@code f} (null: silence). */
    FakeNetwork misbehave(String address, UnaryOperator<Message> f) {
        misbehaving.put(address(address), f);
        return this;
    }

    FakeNetwork silent(String address) {
        return misbehave(address, q -> null);
    }

    synchronized List<String> sent() {
        return List.copyOf(sent);
    }

    synchronized void clear() {
        sent.clear();
    }

    @Override
    public CompletableFuture<Message> query(InetSocketAddress server, Question q, QueryBudget budget) {
        Message query = Message.newQuery(Record.newRecord(q.name(), q.type(), DClass.IN));
        query.getHeader().unsetFlag(Flags.RD);
        if (q.recursionDesired()) {
            query.getHeader().setFlag(Flags.RD);
        }
        if (q.edns()) {
            query.addRecord(new OPTRecord(1232, 0, 0, q.dnssecOk() ? Flags.DO : 0), Section.ADDITIONAL);
        }
        synchronized (this) {
            sent.add(server.getAddress().getHostAddress() + " " + q.name() + "/" + org.xbill.DNS.Type.string(q.type())
                    + (q.edns() ? "" : "-edns"));
        }
        Message answer;
        UnaryOperator<Message> odd = misbehaving.get(server.getAddress());
        AuthoritativeAnswerer auth = servers.get(server.getAddress());
        if (odd != null) {
            answer = odd.apply(query);
        } else {
            answer = auth == null ? null : auth.answer(query);
        }
        CompletableFuture<Message> f = new CompletableFuture<>();
        budget.loop().execute(() -> {
            if (answer == null) {
                f.completeExceptionally(new Upstream.Timeout("silent " + server));
            } else {
                f.complete(answer);
            }
        });
        return f;
    }

    static InetAddress address(String a) {
        try {
            return InetAddress.getByName(a);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(a, e);
        }
    }

    static Zone zone(String text) {
        try {
            Master m = new Master(new java.io.ByteArrayInputStream(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            List<Record> records = new ArrayList<>();
            Record r;
            while ((r = m.nextRecord()) != null) {
                records.add(r);
            }
            Name origin = records.get(0).getName();
            return new Zone(origin, records.toArray(new Record[0]));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
