package net.gate64.resolver.lab;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.gate64.common.IpNetwork;

/**
 * A DNS hierarchy on loopback: every subfolder of the lab folder named after an address (127.0.53.1, ...) becomes an
 * authoritative server on that address, port 53, serving the zone files inside. The folder holding root.zone is the
 * root server the recursor's hint-file points at. Port 53 is what iteration talks to, so this needs root or
 * CAP_NET_BIND_SERVICE (tests skip without).
 */
public final class LabHierarchy implements AutoCloseable {
    private final Map<InetAddress, LabServer> servers;
    private final InetAddress root;

    private LabHierarchy(Map<InetAddress, LabServer> servers, InetAddress root) {
        this.servers = servers;
        this.root = root;
    }

    public static LabHierarchy start(Path dir) throws IOException {
        return start(dir, 53);
    }

    static LabHierarchy start(Path dir, int port) throws IOException {
        Map<InetAddress, LabServer> servers = new LinkedHashMap<>();
        InetAddress root = null;
        List<Path> subdirs;
        try (Stream<Path> s = Files.list(dir)) {
            subdirs = s.filter(Files::isDirectory).sorted().toList();
        }
        try {
            for (Path sub : subdirs) {
                InetAddress address = InetAddress.getByAddress(IpNetwork.parseAddress(sub.getFileName().toString(), sub.toString()));
                servers.put(address, LabServer.start(new InetSocketAddress(address, port), LabServer.loadZones(sub)));
                if (Files.exists(sub.resolve("root.zone"))) {
                    root = address;
                }
            }
        } catch (IOException | RuntimeException e) {
            servers.values().forEach(LabServer::close);
            throw e;
        }
        if (root == null) {
            servers.values().forEach(LabServer::close);
            throw new IOException("no root.zone in any server folder of " + dir);
        }
        return new LabHierarchy(servers, root);
    }

    /** Whether this process may bind port 53 (root, CAP_NET_BIND_SERVICE or a lowered unprivileged port start). */
    public static boolean canBindPort53() {
        try (java.net.ServerSocket s = new java.net.ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.53.254"), 53));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public LabServer server(String address) throws IOException {
        return servers.get(InetAddress.getByName(address));
    }

    public List<LabServer> servers() {
        return new ArrayList<>(servers.values());
    }

    /** A hint file naming the lab root, for the recursor's hint-file setting. */
    public Path writeHints(Path file) throws IOException {
        Files.writeString(file, ". 3600000 NS a.root.lab.test.\na.root.lab.test. 3600000 A " + root.getHostAddress() + "\n");
        return file;
    }

    @Override
    public void close() {
        servers.values().forEach(LabServer::close);
    }
}
