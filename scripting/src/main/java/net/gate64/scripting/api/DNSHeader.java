package net.gate64.scripting.api;

import org.graalvm.polyglot.HostAccess.Export;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Section;

/** The scripts' {@code DNSHeader} (ipfilter's {@code dh}, {@code dq:getDH()}): read-only header fields of the query. */
public final class DNSHeader {
    private final Header h;

    public DNSHeader(Header h) {
        this.h = h;
    }

    @Export public boolean getRD() { return h.getFlag(Flags.RD); }
    @Export public boolean getAA() { return h.getFlag(Flags.AA); }
    @Export public boolean getAD() { return h.getFlag(Flags.AD); }
    @Export public boolean getCD() { return h.getFlag(Flags.CD); }
    @Export public boolean getTC() { return h.getFlag(Flags.TC); }
    @Export public boolean getRA() { return h.getFlag(Flags.RA); }
    @Export public boolean getQR() { return h.getFlag(Flags.QR); }
    @Export public int getRCODE() { return h.getRcode(); }
    @Export public int getOPCODE() { return h.getOpcode(); }
    @Export public int getID() { return h.getID(); }
    @Export public int getQDCOUNT() { return h.getCount(Section.QUESTION); }
    @Export public int getANCOUNT() { return h.getCount(Section.ANSWER); }
    @Export public int getNSCOUNT() { return h.getCount(Section.AUTHORITY); }
    @Export public int getARCOUNT() { return h.getCount(Section.ADDITIONAL); }
}
