package net.gate64.nat64;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import net.gate64.common.Nat64Prefix;
import net.gate64.nat64.config.Nat64Settings;
import net.gate64.common.EamTable;

/**
 * The {@code ip} commands that bring the TUN interface up and route the translated prefixes into it; run only with
 * {@code configure-interface = true}, otherwise {@link #commands} is what docs/nat64.md tells the operator to run.
 */
final class InterfaceSetup {
    private InterfaceSetup() {}

    static List<List<String>> commands(Nat64Settings s) {
        String dev = s.tunName();
        List<List<String>> cmds = new ArrayList<>();
        cmds.add(List.of("ip", "link", "set", "dev", dev, "mtu", Integer.toString(s.mtu()), "up"));
        for (Nat64Prefix p : s.pool6()) {
            cmds.add(List.of("ip", "-6", "route", "replace", p.toString(), "dev", dev));
        }
        if (s.mode() == Nat64Settings.Mode.STATEFUL) {
            cmds.add(List.of("ip", "-4", "route", "replace", s.pool4().toString(), "dev", dev));
        } else {
            for (EamTable.Entry e : s.eam()) {
                cmds.add(List.of("ip", "-4", "route", "replace", e.ipv4().toString(), "dev", dev));
            }
        }
        return cmds;
    }

    static void apply(Nat64Settings s) throws IOException {
        for (List<String> cmd : commands(s)) {
            run(cmd);
        }
    }

    /** After a reload from {@code old} to {@code now}: deletes the IPv4 routes into the device that {@code now} has not. */
    static List<List<String>> staleRoutes(Nat64Settings old, Nat64Settings now) {
        java.util.Set<String> keep = new java.util.HashSet<>();
        for (List<String> c : commands(now)) {
            keep.add(String.join(" ", c));
        }
        List<List<String>> out = new ArrayList<>();
        for (List<String> c : commands(old)) {
            if (c.size() > 4 && c.get(1).equals("-4") && !keep.contains(String.join(" ", c))) {
                out.add(List.of("ip", "-4", "route", "del", c.get(4), "dev", old.tunName()));
            }
        }
        return out;
    }

    static void run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        try {
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed: " + output.trim());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + String.join(" ", cmd));
        }
    }
}
