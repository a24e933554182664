package net.gate64.nat64.state;

/** The TCP session states of RFC 6146 §3.5.2.1 (CLOSED is the absence of a session). */
public enum TcpState {
    V6_INIT, V4_INIT, ESTABLISHED, V6_FIN_RCV, V4_FIN_RCV, V6_FIN_V4_FIN, TRANS;

    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int RST = 0x04;

    /** The state after a segment with {@code flags} passes in the given direction (RFC 6146 §3.5.2.2). */
    TcpState next(boolean fromV6, int flags) {
        boolean syn = (flags & SYN) != 0;
        boolean fin = (flags & FIN) != 0;
        boolean rst = (flags & RST) != 0;
        return switch (this) {
            case V6_INIT -> !fromV6 && syn ? ESTABLISHED : this;
            case V4_INIT -> fromV6 && syn ? ESTABLISHED : this;
            case ESTABLISHED -> rst ? TRANS : fin ? (fromV6 ? V6_FIN_RCV : V4_FIN_RCV) : this;
            case V6_FIN_RCV -> !fromV6 && fin ? V6_FIN_V4_FIN : this;
            case V4_FIN_RCV -> fromV6 && fin ? V6_FIN_V4_FIN : this;
            case V6_FIN_V4_FIN -> this;
            case TRANS -> rst ? this : ESTABLISHED;
        };
    }

    /** Whether the session lives on the established timeout (else the transitory one). */
    boolean usesEstablishedTimeout() {
        return this == ESTABLISHED || this == V6_FIN_RCV || this == V4_FIN_RCV;
    }
}
