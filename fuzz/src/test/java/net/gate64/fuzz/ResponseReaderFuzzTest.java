package net.gate64.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.github.benmanes.caffeine.cache.Ticker;
import java.io.IOException;
import java.util.List;
import net.gate64.resolver.cache.NegativeCache;
import net.gate64.resolver.cache.RecordCache;
import net.gate64.resolver.resolve.ResponseReader;
import net.gate64.resolver.wire.ResponseWalker;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * What the iterator does with an upstream response it has matched to its question: dnsjava's parse, then
 * {@link ResponseReader} (CNAME/DNAME chain, caching, negative answers), and the wire walk the packet cache uses to
 * age TTLs. Properties: no exception but the parser's own; no RRset owned outside the bailiwick is ever cached
 * (an authority cannot vouch for another zone's data). Written against the resolver on main before the engine's
 * rewrite; the new engine's reader gets its own target when it lands.
 */
class ResponseReaderFuzzTest {
    private static final Name[] BAILIWICKS = {Name.root, Name.fromConstantString("test."),
            Name.fromConstantString("demo.test."), Name.fromConstantString("other.test.")};

    @FuzzTest(maxDuration = "10s")
    void readResponse(FuzzedDataProvider in) {
        Name bailiwick = BAILIWICKS[in.consumeInt(0, BAILIWICKS.length - 1)];
        boolean authoritative = in.consumeBoolean();
        int maxChain = in.consumeInt(0, 12);
        byte[] wire = in.consumeRemainingAsBytes();
        try {
            ResponseWalker.ttlOffsets(wire);
        } catch (IllegalArgumentException malformed) {
            // expected for broken messages
        }
        Message m;
        try {
            m = new Message(wire);
        } catch (IOException malformed) {
            return;
        }
        Record question = m.getQuestion();
        if (question == null) {
            return;
        }
        RecordCache records = new RecordCache(1000, 86400, Ticker.systemTicker());
        NegativeCache negatives = new NegativeCache(1000, 3600, Ticker.systemTicker());
        ResponseReader reader = new ResponseReader(records, negatives, 3600);
        ResponseReader.Step step = reader.read(m, question.getName(), question.getType(), authoritative, bailiwick, maxChain);
        if (step == null || step.kind() == null) {
            throw new AssertionError("a step for every response");
        }
        for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
            List<Record> rs = m.getSection(section);
            for (Record r : rs) {
                if (!r.getName().subdomain(bailiwick) && records.get(r.getName(), r.getType()) != null) {
                    throw new AssertionError("cached out of bailiwick " + bailiwick + ": " + r);
                }
            }
        }
    }
}
