package net.gate64.nat64;

import net.gate64.nat64.state.Bib;
import net.gate64.nat64.state.HeldSyns;
import net.gate64.nat64.state.SessionTable;

/** Prometheus lines for clients, static bindings, port blocks and held SYNs (stateful mode). */
final class StatefulMetrics {
    private StatefulMetrics() {}

    static void render(StringBuilder sb, Bib bib, SessionTable sessions) {
        gauge(sb, "gate64_nat64_clients", "Clients (addresses or client-prefix-length prefixes) with bindings.",
                bib.clients());
        gauge(sb, "gate64_nat64_static_bindings", "Static bindings from the bib setting.", bib.staticEntries().size());
        gauge(sb, "gate64_nat64_port_blocks_in_use", "Dynamic port blocks held by clients.", bib.blocksInUse());
        gauge(sb, "gate64_nat64_port_blocks_capacity", "Dynamic port blocks pool4 holds (0 without blocks).",
                bib.blocksTotal());
        counter(sb, "gate64_nat64_port_blocks_created_total", "Dynamic port blocks taken by clients.",
                bib.blocksCreatedTotal());
        HeldSyns held = sessions.held();
        gauge(sb, "gate64_nat64_held_syns", "Unsolicited IPv4 SYNs waiting for a simultaneous open.", held.size());
        counter(sb, "gate64_nat64_held_syns_expired_total", "Held SYNs answered with Port Unreachable.",
                held.expiredTotal());
        counter(sb, "gate64_nat64_held_syns_opened_total", "Held SYNs whose connection the IPv6 side opened.",
                held.openedTotal());
    }

    private static void gauge(StringBuilder sb, String name, String help, long value) {
        line(sb, name, "gauge", help, value);
    }

    private static void counter(StringBuilder sb, String name, String help, long value) {
        line(sb, name, "counter", help, value);
    }

    private static void line(StringBuilder sb, String name, String type, String help, long value) {
        sb.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(' ')
                .append(type).append('\n').append(name).append(' ').append(value).append('\n');
    }
}
