package net.gate64.common.systemd;

import java.util.Map;

/**
 * What a long-running program tells its supervisor about its state: ready to serve, reloading, stopping, and a
 * one-line status. {@link #NONE} when nobody listens; {@link SdNotify} speaks systemd's protocol ({@code Type=notify}
 * units). Every method returns at once and never fails the program: a supervisor that went away is no reason to
 * stop serving.
 */
public interface ServiceNotifier {
    /** Nobody to tell (not started by systemd with {@code Type=notify}). */
    ServiceNotifier NONE = new ServiceNotifier() {
        @Override
        public void ready(String status) {}

        @Override
        public void reloading(String status) {}

        @Override
        public void stopping(String status) {}

        @Override
        public void status(String status) {}
    };

    /** Start-up finished (every listener bound), or a reload finished: the service answers again. */
    void ready(String status);

    /** A reload began; {@link #ready} follows when it ends, whatever its outcome. */
    void reloading(String status);

    /** The service is shutting down. */
    void stopping(String status);

    /** A free-form one-line status (systemctl status shows it). */
    void status(String status);

    /** {@link SdNotify} on the socket systemd names in {@code NOTIFY_SOCKET}, or {@link #NONE} without one. */
    static ServiceNotifier fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    static ServiceNotifier fromEnvironment(Map<String, String> env) {
        String socket = env.get("NOTIFY_SOCKET");
        return socket == null || socket.isEmpty() ? NONE : new SdNotify(socket);
    }
}
