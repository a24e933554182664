package net.gate64.nat64.config;

import java.net.InetSocketAddress;
import java.util.List;
import net.gate64.common.IpNetwork;
import net.gate64.common.Nat64Prefix;
import net.gate64.common.EamTable;
import net.gate64.nat64.state.Limits;
import net.gate64.nat64.state.PortPlan;
import net.gate64.nat64.state.StaticBinding;
import net.gate64.nat64.state.Timeouts;
import net.gate64.nat64.translate.TranslatorConfig;

/** The gateway's settings, typed and validated by {@link SettingsLoader}; every field is documented in conf/nat64.conf. */
public record Nat64Settings(
        String tunName,
        Mode mode,
        List<Nat64Prefix> pool6,
        IpNetwork pool4,
        int portMin,
        int portMax,
        List<EamTable.Entry> eam,
        int ipv4Address,
        byte[] ipv6Address,
        int mtu,
        int threads,
        boolean decrementHopLimit,
        boolean allowNonGlobal,
        Limits limits,
        Timeouts timeouts,
        double icmpErrorsPerSecond,
        boolean configureInterface,
        boolean offload,
        boolean ioUring,
        InetSocketAddress httpAddress,
        net.gate64.common.web.WebAccess httpAccess,
        SessionLogSettings sessionLog,
        TranslatorConfig translator,
        IpNetwork rfc6791v4,
        IpNetwork rfc6791v6,
        RaSettings ra,
        Stateful stateful) {

    /** stateful: RFC 6146 NAT64 with pool4; siit: stateless RFC 7915 with pool6 and EAM. */
    public enum Mode { STATEFUL, SIIT }

    /**
     * Stateful-only behaviour: how ports are handed out, address-dependent filtering (RFC 4787 REQ-8), how many
     * unsolicited SYNs may wait for a simultaneous open (RFC 6146 §3.5.2.2), static bindings.
     */
    public record Stateful(PortPlan ports, boolean addressDependentFiltering, int maxHeldSyns,
                           List<StaticBinding> staticBib) {
        public Stateful {
            staticBib = List.copyOf(staticBib);
        }
    }

    public Nat64Settings {
        pool6 = List.copyOf(pool6);
        eam = List.copyOf(eam);
        ipv6Address = ipv6Address.clone();
    }

    @Override
    public byte[] ipv6Address() {
        return ipv6Address.clone();
    }
}
