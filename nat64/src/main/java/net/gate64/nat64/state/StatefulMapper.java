package net.gate64.nat64.state;

import net.gate64.nat64.packet.Bytes;
import net.gate64.nat64.translate.AddressMapper;
import net.gate64.nat64.translate.DropReason;
import net.gate64.nat64.translate.Flow;
import net.gate64.nat64.translate.Pool6;

/**
 * Stateful NAT64 address and port mapping (RFC 6146) for one worker thread: the tables are shared, the lookup keys
 * are this thread's own. Endpoint-independent mapping (one binding per IPv6 transport address) and, by default,
 * endpoint-independent filtering (any IPv4 host may reach a binding; for TCP only with a SYN); address-dependent
 * filtering as an option.
 *
 * <p>IPv4 packets that find no binding: a TCP SYN is held for a simultaneous open ({@link HeldSyns}, RFC 6146
 * §3.5.2.2), UDP and ICMP queries are refused with {@link DropReason#NO_BIB} (the translator answers ICMPv4
 * Destination Unreachable). Fragments: the first one is mapped through the tables, later ones get the same
 * addresses from {@link FragmentMemory} (no reassembly; a fragment that arrives before its first is dropped). Not
 * done: the probe of idle established sessions (RFC 6146 §3.5.2.2 "MAY"; an idle session simply expires).
 */
public final class StatefulMapper implements AddressMapper {
    /** Refresh a session's deadline at most once a second: most packets write nothing shared. */
    private static final long REFRESH_SLACK = 1_000_000_000L;

    private final Pool6 pool6;
    private final Bib bib;
    private final SessionTable sessions;
    private final int gateway4;
    private final FragmentMemory fragments;
    private final Key kf = new Key();
    private final Key k6 = new Key();
    private final Key k4 = new Key();
    private final Key ks = new Key();
    private final Key kr = new Key();
    private final BindingRequest request = new BindingRequest();
    private final SessionTable.Refusal[] refusal = new SessionTable.Refusal[1];

    public StatefulMapper(Pool6 pool6, Bib bib, SessionTable sessions, FragmentMemory fragments, int gateway4) {
        this.fragments = fragments;
        this.pool6 = pool6;
        this.bib = bib;
        this.sessions = sessions;
        this.gateway4 = gateway4;
    }

    private static int bibProto(Flow f) {
        return f.icmp ? 1 : f.proto;
    }

    private static boolean supported(int proto) {
        return proto == 6 || proto == 17 || proto == 1;
    }

    @Override
    public void map6to4(Flow f) {
        long v4 = pool6.toIpv4(f.dst6, 0, f);
        if (v4 < 0) {
            f.drop = v4 == Pool6.FORBIDDEN ? DropReason.NON_GLOBAL : DropReason.NOT_IN_POOL6;
            return;
        }
        int proto = bibProto(f);
        if (!supported(proto)) {
            f.drop = DropReason.UNSUPPORTED_PROTOCOL;
            return;
        }
        f.dst4 = (int) v4;
        if (!f.hasPorts) {
            FragmentMemory.Entry e = fragments.find(fragmentKey6(f));
            if (e == null || e.dst4 != f.dst4) {
                f.drop = DropReason.FRAGMENT_WITHOUT_STATE;
                return;
            }
            f.src4 = e.src4;
            return;
        }
        int remotePort = proto == 1 ? 0 : f.dstPort;
        boolean syn = proto == 6 && (f.tcpFlags & TcpState.SYN) != 0;
        long hi = Bytes.i64(f.src6, 0);
        long lo = Bytes.i64(f.src6, 8);
        long now = sessions.now();
        for (int attempt = 0; attempt < 3; attempt++) {
            k6.set(hi, lo, ((long) proto << 16) | f.srcPort);
            BibEntry e = bib.find6(k6);
            if (e == null || e.sessions.get() < 0) {
                if (proto == 6 && !syn) {
                    f.drop = DropReason.NO_SESSION; // RFC 6146 §3.5.2.2: only a SYN opens a TCP session
                    return;
                }
                e = bib.findOrCreate(request.set(proto, hi, lo, f.srcPort, k6));
                if (e == null) {
                    f.drop = switch (request.refusal) {
                        case POOL4 -> DropReason.POOL4_EXHAUSTED;
                        case CLIENT_PORTS -> DropReason.CLIENT_PORTS_EXHAUSTED;
                        case OUTSIDE_MAP -> DropReason.CLIENT_OUTSIDE_MAP;
                    };
                    return;
                }
            }
            Session s = e.last;
            if (s == null || s.remote4 != f.dst4 || s.remotePort != remotePort || s.isDead()) {
                ks.set(Key.ipv4Transport(proto, e.addr4, e.port4), ((f.dst4 & 0xffffffffL) << 16) | remotePort, 0);
                s = sessions.find(ks);
                if (s == null) {
                    if (proto == 6 && !syn) {
                        f.drop = DropReason.NO_SESSION;
                        return;
                    }
                    // An IPv4 SYN held for this very connection: a simultaneous open (RFC 6146 §3.5.2.2, V4 INIT).
                    TcpState tcp = proto != 6 ? null
                            : sessions.held().take(ks.a, ks.b) ? TcpState.V4_INIT : TcpState.V6_INIT;
                    s = sessions.create(e, f.dst4, remotePort, f.prefixIndex, tcp, now + lifetime(proto, tcp), ks,
                            refusal);
                    if (s == null) {
                        if (refusal[0] == SessionTable.Refusal.RETIRED) {
                            continue; // the binding expired under us: bind again
                        }
                        bib.retireIfUnused(e); // a binding just made for this packet must not outlive the refusal
                        f.drop = refusal[0] == SessionTable.Refusal.TOTAL ? DropReason.SESSION_LIMIT : DropReason.CLIENT_LIMIT;
                        return;
                    }
                }
                e.last = s;
            }
            if (!touch(s, proto, true, f.tcpFlags, now)) {
                e.last = null;
                continue; // the sweep ended it an instant ago: start over with fresh state
            }
            f.src4 = e.addr4;
            f.srcPort = e.port4;
            if (proto == 1) {
                f.dstPort = e.port4;
            }
            if (f.fragmentId >= 0 // first fragment: later ones need these addresses, or none of them gets through
                    && !fragments.remember(fragmentKey6(f), new FragmentMemory.Entry(f.src4, f.dst4, 0, 0, 0, 0, now))) {
                f.drop = DropReason.FRAGMENT_TABLE_FULL;
            }
            return;
        }
        f.drop = DropReason.NO_BIB;
    }

    @Override
    public void map4to6(Flow f) {
        int proto = bibProto(f);
        if (!bib.pool4().contains(f.dst4)) {
            // the gateway's own address outside pool4 answers nothing itself
            f.drop = f.dst4 == gateway4 ? DropReason.TO_GATEWAY : DropReason.NOT_IN_POOL4;
            return;
        }
        if (!supported(proto)) {
            f.drop = DropReason.UNSUPPORTED_PROTOCOL;
            return;
        }
        if (!f.hasPorts) {
            FragmentMemory.Entry e = fragments.find(fragmentKey4(f));
            if (e == null) {
                f.drop = DropReason.FRAGMENT_WITHOUT_STATE;
                return;
            }
            Bytes.put64(f.src6, 0, e.src6Hi);
            Bytes.put64(f.src6, 8, e.src6Lo);
            Bytes.put64(f.dst6, 0, e.dst6Hi);
            Bytes.put64(f.dst6, 8, e.dst6Lo);
            return;
        }
        int localPort = f.dstPort;
        int remotePort = proto == 1 ? 0 : f.srcPort;
        boolean syn = proto == 6 && (f.tcpFlags & TcpState.SYN) != 0;
        for (int attempt = 0; attempt < 2; attempt++) {
            k4.set(Key.ipv4Transport(proto, f.dst4, localPort), 0, 0);
            BibEntry e = bib.find4(k4);
            if (e == null || e.sessions.get() < 0) {
                // RFC 6146 §3.5.2.2: a SYN waits for a simultaneous open; anything else finds no binding.
                f.drop = syn ? DropReason.TCP_SYN_HELD : DropReason.NO_BIB;
                return;
            }
            long now = sessions.now();
            Session s = e.last;
            if (s == null || s.remote4 != f.src4 || s.remotePort != remotePort || s.isDead()) {
                ks.set(k4.a, ((f.src4 & 0xffffffffL) << 16) | remotePort, 0);
                s = sessions.find(ks);
                if (s == null) {
                    if (proto == 6 && !syn) {
                        f.drop = DropReason.NO_SESSION;
                        return;
                    }
                    if (sessions.addressDependent() && !sessions.knows(k4.a, f.src4, kr)) {
                        // RFC 4787 REQ-8 address-dependent filtering; a SYN may still be a simultaneous open.
                        f.drop = syn ? DropReason.TCP_SYN_HELD : DropReason.FILTERED;
                        return;
                    }
                    // Endpoint-independent filtering (RFC 6146 §3.5.1.1, RFC 4787 REQ-8): any remote may use it.
                    TcpState tcp = proto == 6 ? TcpState.V4_INIT : null;
                    s = sessions.create(e, f.src4, remotePort, 0, tcp, now + lifetime(proto, tcp), ks, refusal);
                    if (s == null) {
                        if (refusal[0] == SessionTable.Refusal.RETIRED) {
                            continue;
                        }
                        f.drop = refusal[0] == SessionTable.Refusal.TOTAL ? DropReason.SESSION_LIMIT
                                : DropReason.CLIENT_LIMIT;
                        return;
                    }
                }
                e.last = s;
            }
            if (!pool6.toIpv6(s.prefixIndex, f.src4, f.src6, 0)) {
                f.drop = DropReason.NON_GLOBAL;
                return;
            }
            if (!touch(s, proto, false, f.tcpFlags, now)) {
                e.last = null;
                continue; // ended by the sweep in this instant: look again
            }
            Bytes.put64(f.dst6, 0, e.hi6);
            Bytes.put64(f.dst6, 8, e.lo6);
            f.dstPort = e.port6;
            if (proto == 1) {
                f.srcPort = e.port6;
            }
            if (f.fragmentId >= 0 && !fragments.remember(fragmentKey4(f), new FragmentMemory.Entry(0, 0,
                    Bytes.i64(f.src6, 0), Bytes.i64(f.src6, 8), e.hi6, e.lo6, now))) {
                f.drop = DropReason.FRAGMENT_TABLE_FULL;
            }
            return;
        }
        f.drop = DropReason.NO_BIB;
    }

    /** Keeps the SYN the last {@link #map4to6} refused with {@link DropReason#TCP_SYN_HELD}; false when full. */
    @Override
    public boolean hold(Flow f, byte[] packet, int len) {
        return sessions.held().hold(Key.ipv4Transport(6, f.dst4, f.dstPort),
                HeldSyns.sessionKeyB(f.src4, f.srcPort), packet, len);
    }

    @Override
    public int takeExpired(byte[] out) {
        return sessions.held().takeExpired(out);
    }

    /** IPv6 fragments: source address, identification and the low bits of the destination. */
    private Key fragmentKey6(Flow f) {
        return kf.set(Bytes.i64(f.src6, 0), Bytes.i64(f.src6, 8), (f.fragmentId << 32) | (Bytes.i64(f.dst6, 8) & 0xffffffffL));
    }

    /** IPv4 fragments: source, destination, protocol and identification (RFC 791 §3.2). */
    private Key fragmentKey4(Flow f) {
        return kf.set(((f.src4 & 0xffffffffL) << 32) | (f.dst4 & 0xffffffffL), ((long) f.proto << 32) | f.fragmentId, 1);
    }

    @Override
    public void mapInner6to4(Flow g) {
        // The quoted packet went IPv4 → IPv6: source is pool6+server, destination is the IPv6 client.
        long v4 = pool6.toIpv4(g.src6, 0, g);
        if (v4 < 0) {
            g.drop = v4 == Pool6.FORBIDDEN ? DropReason.NON_GLOBAL : DropReason.NOT_IN_POOL6;
            return;
        }
        int proto = bibProto(g);
        if (!supported(proto) || !g.hasPorts) {
            g.drop = DropReason.NO_BIB;
            return;
        }
        k6.set(Bytes.i64(g.dst6, 0), Bytes.i64(g.dst6, 8), ((long) proto << 16) | g.dstPort);
        BibEntry e = bib.find6(k6);
        if (e == null) {
            g.drop = DropReason.NO_BIB;
            return;
        }
        g.src4 = (int) v4;
        g.dst4 = e.addr4;
        g.dstPort = e.port4;
        if (proto == 1) {
            g.srcPort = e.port4;
        }
    }

    @Override
    public void mapInner4to6(Flow g) {
        // The quoted packet went IPv6 → IPv4: source is our pool4 transport address, destination the server.
        int proto = bibProto(g);
        if (!supported(proto) || !g.hasPorts || !bib.pool4().contains(g.src4)) {
            g.drop = DropReason.NO_BIB;
            return;
        }
        k4.set(Key.ipv4Transport(proto, g.src4, g.srcPort), 0, 0);
        BibEntry e = bib.find4(k4);
        if (e == null) {
            g.drop = DropReason.NO_BIB;
            return;
        }
        int remotePort = proto == 1 ? 0 : g.dstPort;
        ks.set(k4.a, ((g.dst4 & 0xffffffffL) << 16) | remotePort, 0);
        Session s = sessions.find(ks);
        g.prefixIndex = s != null ? s.prefixIndex : 0;
        Bytes.put64(g.src6, 0, e.hi6);
        Bytes.put64(g.src6, 8, e.lo6);
        g.srcPort = e.port6;
        if (proto == 1) {
            g.dstPort = e.port6;
        }
        pool6.toIpv6Unchecked(g.prefixIndex, g.dst4, g.dst6, 0);
    }

    @Override
    public long errorSource6to4(byte[] outerSrc6, Flow inner) {
        return inner.dst4 & 0xffffffffL; // RFC 6146 §3.4: the error leaves from the binding's IPv4 address
    }

    @Override
    public boolean errorSource4to6(int outerSrc4, Flow inner, byte[] dst) {
        pool6.toIpv6Unchecked(inner.prefixIndex, outerSrc4, dst, 0); // routers are often private: not filtered
        return true;
    }

    @Override
    public boolean isOwnIpv4(int addr) {
        return bib.pool4().contains(addr);
    }

    private long lifetime(int proto, TcpState tcp) {
        Timeouts t = sessions.timeouts();
        if (proto == 17) {
            return t.udp().toNanos();
        }
        if (proto == 1) {
            return t.icmp().toNanos();
        }
        return tcp.usesEstablishedTimeout() ? t.tcpEstablished().toNanos() : t.tcpTransitory().toNanos();
    }

    /**
     * Moves the TCP state machine and the deadline; writes shared fields only when something changed. False when
     * the session is dead (the sweep ended it): the caller starts over.
     */
    private boolean touch(Session s, int proto, boolean fromV6, int flags, long now) {
        TcpState tcp = s.tcp;
        if (proto == 6) {
            TcpState next = tcp.next(fromV6, flags);
            if (next != tcp) {
                s.tcp = next;
                if (next == TcpState.V6_FIN_V4_FIN || next == TcpState.TRANS || next == TcpState.ESTABLISHED) {
                    return s.setDeadline(now + lifetime(proto, next)); // entering these states sets the timer outright
                }
            }
            if (next == TcpState.V6_FIN_V4_FIN || next == TcpState.TRANS) {
                return !s.isDead(); // closing: packets do not extend the transitory timer (RFC 6146 §3.5.2.2)
            }
            tcp = next;
        }
        return s.refresh(now + lifetime(proto, tcp), REFRESH_SLACK);
    }
}
