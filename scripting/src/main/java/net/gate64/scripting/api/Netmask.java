package net.gate64.scripting.api;

import net.gate64.common.IpNetwork;
import org.graalvm.polyglot.HostAccess.Export;

/** The scripts' {@code Netmask} ({@code newNetmask("10.0.0.0/8")}): a network that addresses are matched against. */
public final class Netmask {
    private final IpNetwork network;

    public Netmask(IpNetwork network) {
        this.network = network;
    }

    public static Netmask parse(String text) {
        return new Netmask(IpNetwork.parse(text));
    }

    /** Whether the address (a string, as PowerDNS takes it, or a ComboAddress) lies inside. */
    @Export
    public boolean match(Object address) {
        return network.contains(addressBytes(address));
    }

    static byte[] addressBytes(Object address) {
        if (address instanceof ComboAddress c) {
            return c.isMappedIPv4() ? c.mapToIPv4().raw() : c.raw(); // read-only use: no copy
        }
        if (address instanceof String s) {
            return ComboAddress.parse(s).mapToIPv4().bytes();
        }
        throw new IllegalArgumentException("expected an address string or ComboAddress");
    }

    public IpNetwork network() {
        return network;
    }

    @Export
    public int getBits() {
        return network.bits();
    }

    @Export
    public ComboAddress getNetwork() {
        return new ComboAddress(network.network(), 0);
    }

    @Export
    public ComboAddress getMaskedNetwork() {
        return getNetwork();
    }

    @Export
    public boolean isIPv4() {
        return network.isIpv4();
    }

    @Export
    public boolean isIpv4() {
        return network.isIpv4();
    }

    @Export
    public boolean isIPv6() {
        return !network.isIpv4();
    }

    @Export
    public boolean isIpv6() {
        return !network.isIpv4();
    }

    @Export
    public boolean empty() {
        return false;
    }

    @Export
    @Override
    public String toString() {
        return network.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Netmask n && n.network.equals(network);
    }

    @Override
    public int hashCode() {
        return network.hashCode();
    }
}
