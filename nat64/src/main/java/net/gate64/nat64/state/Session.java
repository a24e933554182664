package net.gate64.nat64.state;

import net.gate64.nat64.packet.Bytes;

/**
 * One session (RFC 6146 §3.2): a binding plus the IPv4 remote endpoint. The IPv6 view of the remote is
 * pool6[prefixIndex] + remote4, so only the index is kept. Expiry and TCP state are written by worker threads and read
 * by the expiry sweep; a plain volatile is enough (last writer wins, both writers move the deadline forward).
 */
public final class Session {
    final BibEntry bib;
    final int remote4;
    final int remotePort;
    final int prefixIndex;
    final Key key;
    volatile long expiresAt;
    volatile TcpState tcp;

    Session(BibEntry bib, int remote4, int remotePort, int prefixIndex, Key key, TcpState tcp, long expiresAt) {
        this.bib = bib;
        this.remote4 = remote4;
        this.remotePort = remotePort;
        this.prefixIndex = prefixIndex;
        this.key = key;
        this.tcp = tcp;
        this.expiresAt = expiresAt;
    }

    public BibEntry bib() {
        return bib;
    }

    public int remote4() {
        return remote4;
    }

    public int remotePort() {
        return remotePort;
    }

    /** Which pool6 prefix the IPv6 view of the remote uses: pool6[prefixIndex] + remote4. */
    public int prefixIndex() {
        return prefixIndex;
    }

    public TcpState tcpState() {
        return tcp;
    }

    public long expiresAtNanos() {
        return expiresAt;
    }

    @Override
    public String toString() {
        return bib + " <-> " + Bytes.ipv4(remote4) + ":" + remotePort + (tcp != null ? " " + tcp : "");
    }
}
