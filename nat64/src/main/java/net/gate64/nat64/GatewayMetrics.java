package net.gate64.nat64;

import java.util.List;
import net.gate64.nat64.translate.Counters;
import net.gate64.nat64.translate.DropReason;
import net.gate64.nat64.tun.TunStatistics;

/** Prometheus text exposition of the gateway's counters and table sizes (the endpoint's {@code /metrics}). */
final class GatewayMetrics {
    private GatewayMetrics() {}

    static String render(Nat64Service service) {
        Counters c = service.counters();
        StringBuilder sb = new StringBuilder();
        counter(sb, "gate64_nat64_packets_received_total", "Packets read from the TUN device by IP version.");
        sb.append("gate64_nat64_packets_received_total{family=\"ipv6\"} ").append(c.received6.sum()).append('\n');
        sb.append("gate64_nat64_packets_received_total{family=\"ipv4\"} ").append(c.received4.sum()).append('\n');
        counter(sb, "gate64_nat64_packets_translated_total", "Packets translated, by direction.");
        sb.append("gate64_nat64_packets_translated_total{direction=\"6to4\"} ").append(c.translated6to4.sum()).append('\n');
        sb.append("gate64_nat64_packets_translated_total{direction=\"4to6\"} ").append(c.translated4to6.sum()).append('\n');
        counter(sb, "gate64_nat64_bytes_translated_total", "Bytes written after translation, by direction.");
        sb.append("gate64_nat64_bytes_translated_total{direction=\"6to4\"} ").append(c.bytes6to4.sum()).append('\n');
        sb.append("gate64_nat64_bytes_translated_total{direction=\"4to6\"} ").append(c.bytes4to6.sum()).append('\n');
        counter(sb, "gate64_nat64_dropped_total", "Packets not translated, by reason.");
        for (DropReason r : DropReason.values()) {
            sb.append("gate64_nat64_dropped_total{reason=\"").append(r.label()).append("\"} ").append(c.drops(r)).append('\n');
        }
        simple(sb, "gate64_nat64_hairpinned_total", "counter", "Packets hairpinned between two IPv6 clients.", c.hairpinned.sum());
        simple(sb, "gate64_nat64_icmp_errors_sent_total", "counter", "ICMP errors the gateway originated.", c.icmpErrorsSent.sum());
        simple(sb, "gate64_nat64_icmp_errors_suppressed_total", "counter", "ICMP errors suppressed by the rate limit.",
                c.icmpErrorsSuppressed.sum());
        simple(sb, "gate64_nat64_write_errors_total", "counter", "Packets the TUN device refused.", c.writeErrors.sum());
        simple(sb, "gate64_nat64_handler_failures_total", "counter", "Packets whose handling failed unexpectedly.",
                c.handlerFailures.sum());
        counter(sb, "gate64_nat64_tun_dropped_total", "Packets the TUN device dropped (its interface statistics): "
                + "to-gateway when its queue was full because the workers fell behind, from-gateway after a write.");
        TunStatistics.Drops tun = TunStatistics.read(service.settings().tunName());
        if (tun != null) { // no series before the device exists
            sb.append("gate64_nat64_tun_dropped_total{direction=\"to-gateway\"} ").append(tun.toGateway()).append('\n');
            sb.append("gate64_nat64_tun_dropped_total{direction=\"from-gateway\"} ").append(tun.fromGateway()).append('\n');
        }
        if (service.sessions() != null) {
            int[] sessions = service.sessions().sizes();
            int[] bibs = service.bib().sizes();
            String[] protos = {"tcp", "udp", "icmp"};
            sb.append("# HELP gate64_nat64_sessions Current sessions by protocol.\n# TYPE gate64_nat64_sessions gauge\n");
            for (int i = 0; i < 3; i++) {
                sb.append("gate64_nat64_sessions{proto=\"").append(protos[i]).append("\"} ").append(sessions[i]).append('\n');
            }
            sb.append("# HELP gate64_nat64_bib_entries Current bindings by protocol.\n# TYPE gate64_nat64_bib_entries gauge\n");
            for (int i = 0; i < 3; i++) {
                sb.append("gate64_nat64_bib_entries{proto=\"").append(protos[i]).append("\"} ").append(bibs[i]).append('\n');
            }
            simple(sb, "gate64_nat64_sessions_created_total", "counter", "Sessions created.", service.sessions().createdTotal());
            simple(sb, "gate64_nat64_sessions_expired_total", "counter", "Sessions expired.", service.sessions().expiredTotal());
            simple(sb, "gate64_nat64_bib_created_total", "counter", "Bindings created.", service.bib().createdTotal());
            StatefulMetrics.render(sb, service.bib(), service.sessions());
        }
        List<long[]> workers = service.workerStats();
        counter(sb, "gate64_nat64_worker_packets_total", "Packets read from the TUN, by worker (one TUN queue each).");
        for (int i = 0; i < workers.size(); i++) {
            sb.append("gate64_nat64_worker_packets_total{worker=\"").append(i).append("\"} ").append(workers.get(i)[0]).append('\n');
        }
        counter(sb, "gate64_nat64_super_packets_total", "Segmentation-offload super-packets read, by transport.");
        long tcp = 0;
        long udp = 0;
        for (long[] w : workers) {
            tcp += w[1];
            udp += w[2];
        }
        sb.append("gate64_nat64_super_packets_total{proto=\"tcp\"} ").append(tcp).append('\n');
        sb.append("gate64_nat64_super_packets_total{proto=\"udp\"} ").append(udp).append('\n');
        counter(sb, "gate64_nat64_worker_waits_total", "Times a worker found its queue empty and waited, by worker.");
        for (int i = 0; i < workers.size(); i++) {
            sb.append("gate64_nat64_worker_waits_total{worker=\"").append(i).append("\"} ").append(workers.get(i)[3]).append('\n');
        }
        sb.append("# HELP gate64_nat64_worker_io_uring Whether the worker moves packets through io_uring (1) or read/write (0).\n")
                .append("# TYPE gate64_nat64_worker_io_uring gauge\n");
        for (int i = 0; i < workers.size(); i++) {
            sb.append("gate64_nat64_worker_io_uring{worker=\"").append(i).append("\"} ").append(workers.get(i)[4]).append('\n');
        }
        counter(sb, "gate64_nat64_config_reloads_total", "Config reloads (SIGHUP, control reload-config), by result.");
        sb.append("gate64_nat64_config_reloads_total{result=\"ok\"} ").append(service.reloader().ok()).append('\n');
        sb.append("gate64_nat64_config_reloads_total{result=\"failed\"} ").append(service.reloader().failed()).append('\n');
        if (service.eventLog() != null) {
            service.eventLog().appendMetrics(sb);
        }
        if (service.routerAdvertiser() != null) {
            service.routerAdvertiser().appendMetrics(sb);
        }
        return sb.toString();
    }

    private static void counter(StringBuilder sb, String name, String help) {
        sb.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" counter\n");
    }

    private static void simple(StringBuilder sb, String name, String type, String help, long value) {
        sb.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(' ')
                .append(type).append('\n').append(name).append(' ').append(value).append('\n');
    }
}
