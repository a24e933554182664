package net.gate64.nat64.tun;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The TUN device's drop counters as the kernel keeps them, from {@code /proc/self/net/dev} (the reader's own network
 * namespace, unlike /sys/class/net, which shows the namespace that mounted sysfs). For a TUN device the kernel's
 * "transmit" side is towards the gateway: a packet routed into the device while its queue is full (the workers fell
 * behind) is a transmit drop. The "receive" side is what the workers write back.
 */
public final class TunStatistics {
    private static final Path PROC_NET_DEV = Path.of("/proc/self/net/dev");

    private TunStatistics() {}

    /** Drops towards the gateway (transmit) and from it (receive). */
    public record Drops(long toGateway, long fromGateway) {}

    /** The drops of {@code device}, or null when this host has no such device (or no /proc). */
    public static Drops read(String device) {
        try {
            return parse(Files.readString(PROC_NET_DEV, StandardCharsets.US_ASCII), device);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The drops of {@code device} in the text of /proc/net/dev: after "name:", eight receive fields (bytes packets
     * errs drop fifo frame compressed multicast) then eight transmit fields (bytes packets errs drop ...).
     */
    static Drops parse(String procNetDev, String device) {
        for (String line : procNetDev.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0 || !line.substring(0, colon).strip().equals(device)) {
                continue;
            }
            String[] f = line.substring(colon + 1).strip().split("\\s+");
            if (f.length < 16) {
                return null;
            }
            return new Drops(Long.parseLong(f[11]), Long.parseLong(f[3]));
        }
        return null;
    }
}
