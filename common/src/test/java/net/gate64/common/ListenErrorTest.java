package net.gate64.common;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Bind failures as the kernel reports them (through Netty or the JDK), and what the operator is told. */
class ListenErrorTest {
    private static String message(String address, int port, Throwable cause) {
        return ListenError.of("local-address", new InetSocketAddress(address, port), cause).getMessage();
    }

    @Test
    void privilegedPortNamesRootAndTheCapability() {
        String m = message("127.0.0.1", 53, new IOException("bind(..) failed with error(-13): Permission denied"));
        assertTrue(m.startsWith("cannot listen on 127.0.0.1:53 (local-address): permission denied"), m);
        assertTrue(m.contains("ports below 1024 need root or the CAP_NET_BIND_SERVICE capability"), m);
        m = message("127.0.0.1", 8053, new BindException("Permission denied"));
        assertTrue(m.endsWith("permission denied"), m);
    }

    @Test
    void addressInUseSaysHowToFindTheOtherProgram() {
        String m = message("::1", 5300, new IOException("bind(..) failed with error(-98): Address already in use"));
        assertTrue(m.startsWith("cannot listen on [::1]:5300 (local-address): the address is already in use"), m);
        assertTrue(m.contains("ss -lntup 'sport = :5300'"), m);
        InetSocketAddress a = new InetSocketAddress("127.0.0.1", 5300);
        assertTrue(ListenError.of("local-address", a, new IOException("bind(..) failed with error(-98)")).addressInUse());
        assertTrue(ListenError.of("local-address", a, new BindException("Address already in use")).addressInUse());
        assertFalse(ListenError.of("local-address", a, new BindException("Permission denied")).addressInUse());
    }

    @Test
    void foreignAddressAndUnknownCauses() {
        String m = message("192.0.2.77", 53, new BindException("Cannot assign requested address"));
        assertTrue(m.contains("no network interface of this host has that address"), m);
        m = message("127.0.0.1", 53, new IOException(new IllegalStateException("odd")));
        assertTrue(m.endsWith("(local-address): java.lang.IllegalStateException: odd: odd"), m);
    }
}
