package net.gate64.scripting;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import net.gate64.scripting.api.ComboAddress;
import net.gate64.scripting.api.DNSHeader;
import net.gate64.scripting.api.DNSName;
import net.gate64.scripting.api.Pdns;
import org.graalvm.polyglot.HostAccess.Export;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * The {@code dq} object of the PowerDNS Recursor API: one per client query, shared by every hook of that query.
 * Fields a script may set are public and plain (JavaScript sees them directly; Lua through its binding); the
 * resolver reads them back after a hook returned.
 *
 * <p>Before each hook the resolver calls {@link #prepare}: the records become a copy of the current answer, the
 * follow-up fields are cleared and {@code rcode} is the current result, exactly as PowerDNS's genhook does.
 */
public final class DnsQuestion {
    @Export public final DNSName qname;
    @Export public final int qtype;
    @Export public final int qclass;
    @Export public final ComboAddress remoteaddr;
    @Export public final ComboAddress localaddr;
    @Export public final boolean isTcp;
    @Export public int rcode;
    @Export public boolean variable;
    @Export public int validationState;
    @Export public String followupFunction;
    @Export public String followupPrefix;
    @Export public DNSName followupName;
    @Export public Object data;
    @Export public int tag;
    private final DNSHeader header;
    private final Map<Integer, byte[]> ednsOptions;
    private final boolean dnssecOk;
    private List<ScriptRecord> records = new ArrayList<>();

    public DnsQuestion(Name qname, int qtype, int qclass, ComboAddress remote, ComboAddress local, boolean tcp,
                       DNSHeader header, Map<Integer, byte[]> ednsOptions, boolean dnssecOk) {
        this.qname = new DNSName(qname);
        this.qtype = qtype;
        this.qclass = qclass;
        this.remoteaddr = remote;
        this.localaddr = local;
        this.isTcp = tcp;
        this.header = header;
        this.ednsOptions = Map.copyOf(ednsOptions);
        this.dnssecOk = dnssecOk;
    }

    /** Sets up dq for the next hook: current rcode and records, follow-ups cleared, the validation state. */
    public void prepare(int currentRcode, List<ScriptRecord> currentRecords, int validation) {
        rcode = currentRcode;
        records = new ArrayList<>(currentRecords);
        followupFunction = null;
        followupPrefix = null;
        followupName = null;
        validationState = validation;
    }

    /** The records as the script left them (the resolver's view). */
    public List<ScriptRecord> records() {
        return Collections.unmodifiableList(records);
    }

    /** {@code dq:addAnswer(type, content [, ttl [, name]])}: appends to the answer section. */
    @Export
    public void addAnswer(int type, String content) {
        addRecord(type, content, Pdns.PLACE_ANSWER, 3600, null);
    }

    @Export
    public void addAnswer(int type, String content, long ttl) {
        addRecord(type, content, Pdns.PLACE_ANSWER, ttl, null);
    }

    @Export
    public void addAnswer(int type, String content, long ttl, Object name) {
        addRecord(type, content, Pdns.PLACE_ANSWER, ttl, name);
    }

    /** {@code dq:addRecord(type, content, place [, ttl [, name]])}. */
    @Export
    public void addRecord(int type, String content, int place) {
        addRecord(type, content, place, 3600, null);
    }

    @Export
    public void addRecord(int type, String content, int place, long ttl) {
        addRecord(type, content, place, ttl, null);
    }

    @Export
    public void addRecord(int type, String content, int place, long ttl, Object name) {
        DNSName owner = name == null ? qname : DNSName.of(name);
        if (place < Pdns.PLACE_ANSWER || place > Pdns.PLACE_ADDITIONAL) {
            throw new IllegalArgumentException("place must be 1 (answer), 2 (authority) or 3 (additional), not " + place);
        }
        Record parsed = ScriptRecord.parse(owner.name(), type, ttl, content); // fail here, at the script's line
        records.add(ScriptRecord.of(parsed, place));
    }

    /** A copy of the records (1-based in Lua, an array in JavaScript). */
    @Export
    public List<ScriptRecord> getRecords() {
        return new ArrayList<>(records);
    }

    @Export
    public void setRecords(List<ScriptRecord> newRecords) {
        List<ScriptRecord> copy = new ArrayList<>(newRecords.size());
        for (Object o : newRecords) {
            if (!(o instanceof ScriptRecord r)) {
                throw new IllegalArgumentException("setRecords takes records from getRecords(), not " + o);
            }
            copy.add(r);
        }
        records = copy;
    }

    /** The raw bytes of an EDNS option of the query (as a binary string), or null. */
    @Export
    public String getEDNSOption(int code) {
        byte[] b = ednsOptions.get(code);
        return b == null ? null : new String(b, StandardCharsets.ISO_8859_1);
    }

    public Map<Integer, byte[]> ednsOptions() {
        return ednsOptions;
    }

    /** Only "DO" exists, as in PowerDNS. */
    @Export
    public boolean getEDNSFlag(String name) {
        return "DO".equals(name) && dnssecOk;
    }

    @Export
    public List<String> getEDNSFlags() {
        return dnssecOk ? List.of("DO") : List.of();
    }

    @Export
    public DNSHeader getDH() {
        return header;
    }
}
