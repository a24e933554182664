package net.gate64.scripting;

import java.io.IOException;
import net.gate64.scripting.api.ComboAddress;
import net.gate64.scripting.api.DNSName;
import org.graalvm.polyglot.HostAccess.Export;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * The scripts' {@code DNSRecord} ({@code dq:getRecords()}): owner, type, TTL and place are writable fields, the
 * content is zone-file text. Converted to and from dnsjava records at the engine boundary only.
 */
public final class ScriptRecord {
    @Export public DNSName name;
    @Export public int type;
    @Export public long ttl;
    @Export public int place;
    private String content;
    private Record original; // reused when nothing that matters changed: no re-parse on the way back

    public ScriptRecord(DNSName name, int type, long ttl, int place, String content) {
        this.name = name;
        this.type = type;
        this.ttl = ttl;
        this.place = place;
        this.content = content;
    }

    public static ScriptRecord of(Record r, int place) {
        ScriptRecord s = new ScriptRecord(new DNSName(r.getName()), r.getType(), r.getTTL(), place, null);
        s.original = r;
        return s;
    }

    /** The record as dnsjava sees it. @throws IllegalArgumentException when the content does not parse */
    public Record toRecord() {
        if (original != null && content == null && original.getType() == type) {
            Name n = name.name();
            Record r = n.equals(original.getName()) ? original : original.withName(n);
            return r.getTTL() == ttl ? r : parse(n, type, ttl, original.rdataToString());
        }
        return parse(name.name(), type, ttl, getContent());
    }

    /** Zone-file content for type → dnsjava record, as dq:addAnswer takes it. */
    public static Record parse(Name name, int type, long ttl, String content) {
        try {
            return Record.fromString(name, type, DClass.IN, ttl, content, Name.root);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot parse '" + content + "' as " + org.xbill.DNS.Type.string(type)
                    + " content: " + e.getMessage());
        }
    }

    @Export
    public String getContent() {
        if (content != null) {
            return content;
        }
        return original instanceof AAAARecord a ? net.gate64.common.Nat64Prefix.format(a.rdataToWireCanonical())
                : original.rdataToString();
    }

    /** Replaces the content (same type), checked at once so the error points at the script line. */
    @Export
    public void changeContent(String newContent) {
        parse(name.name(), type, ttl, newContent);
        this.content = newContent;
    }

    /** The address of an A or AAAA record (port 53), or null. */
    @Export
    public ComboAddress getCA() {
        Record r = toRecord();
        if (r instanceof ARecord a) {
            return new ComboAddress(a.getAddress().getAddress(), 53);
        }
        if (r instanceof AAAARecord a) {
            return new ComboAddress(a.rdataToWireCanonical(), 53);
        }
        return null;
    }

    @Override
    public String toString() {
        return name + " " + ttl + " " + org.xbill.DNS.Type.string(type) + " " + getContent();
    }
}
