package net.gate64.common;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * A socket that could not be bound at start-up, said the way an operator can act on it: the address, the setting
 * that asked for it, what went wrong and what to do, e.g. {@code cannot listen on 127.0.0.1:53 (local-address):
 * permission denied: ports below 1024 need root or CAP_NET_BIND_SERVICE ...}. Netty and the JDK report only
 * {@code bind(..) failed with error(-13)}-style text, without the address.
 */
public final class ListenError extends RuntimeException {
    private final InetSocketAddress address;
    private final String setting;

    private ListenError(String message, InetSocketAddress address, String setting, Throwable cause) {
        super(message, cause);
        this.address = address;
        this.setting = setting;
    }

    /**
     * @param setting the setting (or option) that named the address, e.g. {@code local-address}
     * @param cause   what the bind threw
     */
    public static ListenError of(String setting, InetSocketAddress address, Throwable cause) {
        return new ListenError("cannot listen on " + format(address) + " (" + setting + "): " + reason(address, cause),
                address, setting, cause);
    }

    public InetSocketAddress address() {
        return address;
    }

    public String setting() {
        return setting;
    }

    /** Whether another socket holds the address (EADDRINUSE), as opposed to a permission or address problem. */
    public boolean addressInUse() {
        String text = messages(getCause() == null ? this : getCause()).toLowerCase(Locale.ROOT);
        return inUse(text);
    }

    private static boolean inUse(String text) {
        return text.contains("address already in use") || text.contains("error(-98)");
    }

    static String reason(InetSocketAddress address, Throwable cause) {
        String text = messages(cause).toLowerCase(Locale.ROOT);
        int port = address.getPort();
        if (inUse(text)) {
            return "the address is already in use: another program listens there (see which with: ss -lntup 'sport = :"
                    + port + "'), or choose another port";
        }
        if (text.contains("permission denied") || text.contains("error(-13)")) {
            return port < 1024 && port > 0
                    ? "permission denied: ports below 1024 need root or the CAP_NET_BIND_SERVICE capability (systemd: "
                            + "AmbientCapabilities=CAP_NET_BIND_SERVICE; or setcap cap_net_bind_service=+ep on the java "
                            + "binary), or choose a port above 1023"
                    : "permission denied";
        }
        if (text.contains("cannot assign requested address") || text.contains("error(-99)")) {
            return "no network interface of this host has that address (check the address, or listen on "
                    + (address.getAddress() instanceof Inet6Address ? "[::]" : "0.0.0.0") + ")";
        }
        if (text.contains("address family not supported") || text.contains("protocol family unavailable")
                || text.contains("error(-97)")) {
            return "this host has no IPv6 (remove the IPv6 address from the setting)";
        }
        return messages(cause);
    }

    private static String messages(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getMessage() != null) {
                if (!b.isEmpty()) {
                    b.append(": ");
                }
                b.append(c.getMessage());
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return b.isEmpty() ? t.getClass().getSimpleName() : b.toString();
    }

    /** "192.0.2.1:53" or "[2001:db8::1]:53". */
    static String format(InetSocketAddress a) {
        if (a.getAddress() == null) {
            return a.getHostString() + ":" + a.getPort();
        }
        byte[] raw = a.getAddress().getAddress();
        return raw.length == 16 ? "[" + Nat64Prefix.format(raw) + "]:" + a.getPort()
                : a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
