package net.gate64.nat64.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Reading the TUN device's drops out of /proc/net/dev. */
class TunStatisticsTest {
    private static final String DEV = """
            Inter-|   Receive                                                |  Transmit
             face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                lo: 29470094092 332121204    0    0    0     0          0         0 29470094092 332121204    0    0    0     0       0          0
             nat64:  123456     789    0    7    0     0          0         0   654321     987    0   42    0     0       0          0
            nat64b:       1       1    0    9    0     0          0         0        1       1    0    9    0     0       0          0
            """;

    @Test
    void transmitDropsAreTowardsTheGatewayReceiveDropsFromIt() {
        assertEquals(new TunStatistics.Drops(42, 7), TunStatistics.parse(DEV, "nat64"));
        assertEquals(new TunStatistics.Drops(0, 0), TunStatistics.parse(DEV, "lo"));
    }

    @Test
    void anotherDeviceOrAShortLineIsNotRead() {
        assertNull(TunStatistics.parse(DEV, "nat6"), "a prefix of a name is not the name");
        assertNull(TunStatistics.parse(DEV, "eth0"));
        assertNull(TunStatistics.parse("  nat64: 1 2 3\n", "nat64"));
    }

    @Test
    void thisHostsLoopbackIsThere() {
        assertNotNull(TunStatistics.read("lo"), "/proc/self/net/dev has lo");
        assertNull(TunStatistics.read("no-such-device"));
    }
}
