package net.gate64.nat64.state;

import java.time.Duration;

/** Session lifetimes (RFC 6146 §4): TCP established 2 h 4 min, TCP transitory 4 min, UDP 5 min, ICMP 60 s. */
public record Timeouts(Duration tcpEstablished, Duration tcpTransitory, Duration udp, Duration icmp,
                       Duration tcpIncomingSyn) {
    public static final Timeouts RFC6146 = new Timeouts(Duration.ofMinutes(124), Duration.ofMinutes(4),
            Duration.ofMinutes(5), Duration.ofSeconds(60), Duration.ofSeconds(6));
}
