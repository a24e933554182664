package net.gate64.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Sysctl;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs the containers of a rendered pod spec with runc the way the kubelet with containerd would, so that a test
 * exercises exactly what the manifests say: the image's entrypoint combined with the container's {@code command}
 * and {@code args}, its {@code env} (literal values and the downward API's {@code spec.nodeName}), the ConfigMap,
 * hostPath and emptyDir volumes at their mount paths, the security context (user and group, capabilities added and
 * dropped from containerd's default set, privileged, no privilege escalation, read-only root), the pod's sysctls,
 * the memory limit as the container's cgroup limit, and the network namespace (the pod's, or the node's with
 * {@code hostNetwork}). Init containers run one after another to completion first. httpGet probes are evaluated
 * from the node's network namespace, as the kubelet does.
 * <p>
 * Not modelled (the tests do not depend on them): scheduling, image pulls, restarts, the seccomp profile
 * (RuntimeDefault is containerd's, not runc's), CPU limits, service environment variables, /etc/hosts and
 * resolv.conf management.
 */
final class PodRunner implements AutoCloseable {
    /** containerd's default capability set for a container that is not privileged. */
    static final List<String> DEFAULT_CAPS = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER",
            "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
            "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");
    static final List<String> ALL_CAPS = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
            "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
            "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
            "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
            "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG",
            "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
            "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON",
            "CAP_BPF", "CAP_CHECKPOINT_RESTORE");

    /** A started container: its runc id, the runc process, its log (stdout and stderr). */
    record Running(String id, String pod, Container spec, String podIp, Process runc, Path log) {
        String logText() throws IOException {
            return Files.exists(log) ? Files.readString(log) : "";
        }
    }

    private final OciImage image;
    private final Path work;
    private final String nodeName;
    private final String nodeNetns;
    private final String suffix;
    private final List<HasMetadata> objects;
    private final List<Running> running = new ArrayList<>();

    /**
     * @param objects the rendered manifests (the ConfigMaps that volumes name are looked up here)
     * @param nodeNetns the node's network namespace: hostNetwork pods run there, probes are sent from there
     */
    PodRunner(OciImage image, Path work, String nodeName, String nodeNetns, String suffix, List<HasMetadata> objects) {
        this.image = image;
        this.work = work;
        this.nodeName = nodeName;
        this.nodeNetns = nodeNetns;
        this.suffix = suffix;
        this.objects = objects;
    }

    /**
     * Starts pod {@code name}: its init containers to completion (an init container that fails fails the test),
     * then its containers. {@code netns} and {@code podIp} are the pod's; a hostNetwork pod gets the node's.
     */
    List<Running> start(String name, PodSpec pod, String netns, String podIp) throws IOException, InterruptedException {
        boolean hostNetwork = Boolean.TRUE.equals(pod.getHostNetwork());
        String ns = hostNetwork ? nodeNetns : netns;
        Map<String, Path> volumes = prepareVolumes(name, pod);
        for (Container c : pod.getInitContainers() == null ? List.<Container>of() : pod.getInitContainers()) {
            Path log = work.resolve(name + "-" + c.getName() + ".log");
            String id = "g64-" + suffix + "-" + name + "-" + c.getName();
            Path bundle = bundle(id, name, pod, c, ns, volumes);
            Process p = new ProcessBuilder("runc", "run", "--bundle", bundle.toString(), id).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            p.getOutputStream().close();
            boolean done = p.waitFor(120, TimeUnit.SECONDS);
            Cmd.run(30, "runc", "delete", "-f", id);
            if (!done || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new AssertionError("init container " + name + "/" + c.getName() + " failed ("
                        + (done ? "exit " + p.exitValue() : "timed out") + "):\n" + Files.readString(log));
            }
        }
        List<Running> started = new ArrayList<>();
        for (Container c : pod.getContainers()) {
            Path log = work.resolve(name + "-" + c.getName() + ".log");
            String id = "g64-" + suffix + "-" + name + "-" + c.getName();
            Path bundle = bundle(id, name, pod, c, ns, volumes);
            Process p = new ProcessBuilder("runc", "run", "--bundle", bundle.toString(), id).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            p.getOutputStream().close();
            Running r = new Running(id, name, c, podIp, p, log);
            running.add(r);
            started.add(r);
        }
        return started;
    }

    /** The kubelet's view of a probe: an HTTP GET from the node; 200 to 399 is success. */
    boolean probe(Running r, Probe probe) throws IOException {
        HTTPGetAction get = probe.getHttpGet();
        if (get == null) {
            throw new AssertionError(r.pod() + "/" + r.spec().getName() + ": only httpGet probes are modelled");
        }
        int port = get.getPort().getIntVal() != null ? get.getPort().getIntVal() : namedPort(r.spec(), get.getPort().getStrVal());
        String host = get.getHost() != null ? get.getHost() : r.podIp();
        String url = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + get.getPath();
        int timeout = probe.getTimeoutSeconds() == null ? 1 : probe.getTimeoutSeconds();
        String script = """
                import sys, urllib.request, urllib.error
                req = urllib.request.Request(sys.argv[1], headers={'User-Agent': 'kube-probe/1.32', 'Accept': '*/*'})
                try:
                    status = urllib.request.urlopen(req, timeout=float(sys.argv[2])).status
                except urllib.error.HTTPError as e:
                    status = e.code
                except OSError as e:
                    print(e); sys.exit(2)
                print(status); sys.exit(0 if 200 <= status < 400 else 1)
                """;
        Cmd.Result res = Cmd.run(timeout + 10, null, List.of("ip", "netns", "exec", nodeNetns, "python3", "-c", script,
                url, Integer.toString(timeout)));
        return res.code() == 0;
    }

    /** Waits until {@code probe} succeeds (the safety-net deadline fails the test with the container's log). */
    void awaitProbe(Running r, Probe probe, int seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (!r.runc().isAlive()) {
                throw new AssertionError(r.pod() + "/" + r.spec().getName() + " exited (" + r.runc().exitValue()
                        + "):\n" + r.logText());
            }
            if (probe(r, probe)) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(r.pod() + "/" + r.spec().getName() + ": probe " + probe.getHttpGet().getPath()
                + " did not succeed in " + seconds + " s; log:\n" + r.logText());
    }

    /** The process id of a running container's first process (runc state). */
    long pid(Running r) throws IOException {
        JsonNode state = OciImage.JSON.readTree(Cmd.run(20, "runc", "state", r.id()).must("runc state").out());
        return state.path("pid").asLong();
    }

    private static int namedPort(Container c, String name) {
        for (ContainerPort p : c.getPorts() == null ? List.<ContainerPort>of() : c.getPorts()) {
            if (name.equals(p.getName())) {
                return p.getContainerPort();
            }
        }
        throw new AssertionError(c.getName() + " has no port named " + name);
    }

    /** Lays out the pod's volumes: ConfigMap files as the kubelet writes them, emptyDir, hostPath as given. */
    private Map<String, Path> prepareVolumes(String podName, PodSpec pod) throws IOException {
        Map<String, Path> out = new LinkedHashMap<>();
        for (Volume v : pod.getVolumes() == null ? List.<Volume>of() : pod.getVolumes()) {
            if (v.getConfigMap() != null) {
                ConfigMap cm = KubernetesManifestsTest.one(objects, ConfigMap.class, v.getConfigMap().getName());
                Path dir = Files.createDirectories(work.resolve("volumes").resolve(podName).resolve(v.getName()));
                Map<String, String> files = new LinkedHashMap<>();
                if (v.getConfigMap().getItems() == null || v.getConfigMap().getItems().isEmpty()) {
                    files.putAll(cm.getData());
                } else {
                    for (KeyToPath k : v.getConfigMap().getItems()) {
                        files.put(k.getPath(), cm.getData().get(k.getKey()));
                    }
                }
                int mode = v.getConfigMap().getDefaultMode() == null ? 0644 : v.getConfigMap().getDefaultMode();
                for (Map.Entry<String, String> f : files.entrySet()) {
                    Path file = dir.resolve(f.getKey());
                    Files.writeString(file, f.getValue());
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(perms(mode)));
                }
                out.put(v.getName(), dir);
            } else if (v.getHostPath() != null) {
                Path p = Path.of(v.getHostPath().getPath());
                if ("CharDevice".equals(v.getHostPath().getType())
                        && Cmd.run(5, "test", "-c", p.toString()).code() != 0) {
                    throw new AssertionError("hostPath " + p + " is not a character device");
                }
                out.put(v.getName(), p);
            } else if (v.getEmptyDir() != null) {
                out.put(v.getName(), null); // a tmpfs (medium Memory) or a directory, made per mount below
            } else {
                throw new AssertionError("volume " + v.getName() + ": only configMap, hostPath and emptyDir are modelled");
            }
        }
        return out;
    }

    private static String perms(int mode) {
        StringBuilder sb = new StringBuilder();
        for (int shift = 6; shift >= 0; shift -= 3) {
            int bits = (mode >> shift) & 7;
            sb.append((bits & 4) != 0 ? 'r' : '-').append((bits & 2) != 0 ? 'w' : '-').append((bits & 1) != 0 ? 'x' : '-');
        }
        return sb.toString();
    }

    /** The runc bundle of one container: config.json from the image's template and the pod spec. */
    private Path bundle(String id, String podName, PodSpec pod, Container c, String netns, Map<String, Path> volumes)
            throws IOException {
        Path bundle = Files.createDirectories(work.resolve("bundles").resolve(id));
        ObjectNode spec = image.runtimeTemplate().deepCopy();
        SecurityContext sc = c.getSecurityContext() == null ? new SecurityContext() : c.getSecurityContext();
        PodSecurityContext psc = pod.getSecurityContext() == null ? new PodSecurityContext() : pod.getSecurityContext();
        boolean privileged = Boolean.TRUE.equals(sc.getPrivileged());

        ObjectNode process = (ObjectNode) spec.get("process");
        process.put("terminal", false);
        process.remove("rlimits");
        ArrayNode args = process.putArray("args");
        commandLine(c).forEach(args::add);
        ArrayNode env = process.putArray("env");
        for (String e : envOf(c)) {
            env.add(e);
        }
        ObjectNode user = process.putObject("user");
        String[] imageUser = image.user().isEmpty() ? new String[] {"0", "0"} : (image.user() + ":" + image.user()).split(":");
        Long uid = sc.getRunAsUser() != null ? sc.getRunAsUser() : psc.getRunAsUser();
        Long gid = sc.getRunAsGroup() != null ? sc.getRunAsGroup() : psc.getRunAsGroup();
        user.put("uid", uid != null ? uid : Long.parseLong(imageUser[0]));
        user.put("gid", gid != null ? gid : Long.parseLong(imageUser[1]));
        if (Boolean.TRUE.equals(sc.getRunAsNonRoot() != null ? sc.getRunAsNonRoot() : psc.getRunAsNonRoot())
                && user.get("uid").asLong() == 0) {
            throw new AssertionError(podName + "/" + c.getName() + ": runAsNonRoot with uid 0 (the kubelet refuses it)");
        }
        process.put("noNewPrivileges", !privileged && Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation()));
        ObjectNode caps = process.putObject("capabilities");
        List<String> capSet = capabilities(sc, privileged);
        for (String set : List.of("bounding", "effective", "permitted")) {
            ArrayNode a = caps.putArray(set);
            capSet.forEach(a::add);
        }
        caps.putArray("inheritable");
        caps.putArray("ambient");

        ObjectNode root = spec.putObject("root");
        root.put("path", image.rootfs().toString());
        root.put("readonly", !privileged && Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem()));
        spec.put("hostname", podName);

        ArrayNode mounts = (ArrayNode) spec.get("mounts");
        if (privileged) {
            for (JsonNode m : mounts) {
                if (m.path("type").asText().equals("sysfs") || m.path("type").asText().equals("cgroup")) {
                    ArrayNode opts = ((ObjectNode) m).putArray("options");
                    opts.add("nosuid").add("noexec").add("nodev");
                }
            }
        }
        ObjectNode linux = (ObjectNode) spec.get("linux");
        ObjectNode resources = linux.has("resources") ? (ObjectNode) linux.get("resources") : linux.putObject("resources");
        ArrayNode devices = resources.putArray("devices");
        devices.addObject().put("allow", privileged).put("access", "rwm");
        for (VolumeMount vm : c.getVolumeMounts() == null ? List.<VolumeMount>of() : c.getVolumeMounts()) {
            Volume v = pod.getVolumes().stream().filter(x -> x.getName().equals(vm.getName())).findFirst()
                    .orElseThrow(() -> new AssertionError(c.getName() + " mounts unknown volume " + vm.getName()));
            ObjectNode m = mounts.addObject();
            m.put("destination", vm.getMountPath());
            boolean ro = Boolean.TRUE.equals(vm.getReadOnly());
            if (v.getEmptyDir() != null && "Memory".equals(v.getEmptyDir().getMedium())) {
                m.put("type", "tmpfs").put("source", "tmpfs");
                ArrayNode o = m.putArray("options").add("nosuid").add("nodev").add("mode=1777");
                if (v.getEmptyDir().getSizeLimit() != null) {
                    o.add("size=" + Quantity.getAmountInBytes(v.getEmptyDir().getSizeLimit()).longValue());
                }
            } else {
                Path source = volumes.get(v.getName());
                if (source == null) {
                    source = Files.createDirectories(work.resolve("volumes").resolve(podName).resolve(v.getName()));
                    Files.setPosixFilePermissions(source, PosixFilePermissions.fromString("rwxrwxrwx"));
                }
                // ConfigMap volumes are always read-only (Kubernetes 1.9+).
                ro |= v.getConfigMap() != null;
                m.put("type", "bind").put("source", source.toString());
                m.putArray("options").add("rbind").add(ro ? "ro" : "rw");
                if (v.getHostPath() != null && "CharDevice".equals(v.getHostPath().getType())) {
                    // The device cgroup must let the container open it, as containerd allows hostPath devices.
                    String[] majorMinor = Cmd.run(5, "stat", "-c", "%t %T", source.toString()).must("stat").out().strip().split(" ");
                    devices.addObject().put("allow", true).put("type", "c")
                            .put("major", Integer.parseInt(majorMinor[0], 16)).put("minor", Integer.parseInt(majorMinor[1], 16))
                            .put("access", "rwm");
                }
            }
        }
        for (JsonNode ns : linux.get("namespaces")) {
            if (ns.path("type").asText().equals("network")) {
                ((ObjectNode) ns).put("path", NodeBed.netnsPath(netns).toString());
            }
        }
        // Relative: nested under this test's own cgroup; runc delete removes it.
        linux.put("cgroupsPath", id);
        Quantity memory = c.getResources() == null || c.getResources().getLimits() == null ? null
                : c.getResources().getLimits().get("memory");
        if (memory != null) {
            resources.putObject("memory")
                    .put("limit", Quantity.getAmountInBytes(memory).longValue());
        }
        if (psc.getSysctls() != null && !psc.getSysctls().isEmpty()) {
            ObjectNode sysctl = linux.putObject("sysctl");
            for (Sysctl s : psc.getSysctls()) {
                sysctl.put(s.getName(), s.getValue());
            }
        }
        if (privileged) {
            linux.putArray("maskedPaths");
            linux.putArray("readonlyPaths");
        }
        OciImage.JSON.writerWithDefaultPrettyPrinter().writeValue(bundle.resolve("config.json").toFile(), spec);
        return bundle;
    }

    /** Kubernetes' rule: command replaces the entrypoint (and drops the image's cmd), args replace the cmd. */
    List<String> commandLine(Container c) {
        List<String> cmd = new ArrayList<>();
        boolean hasCommand = c.getCommand() != null && !c.getCommand().isEmpty();
        boolean hasArgs = c.getArgs() != null && !c.getArgs().isEmpty();
        cmd.addAll(hasCommand ? c.getCommand() : image.entrypoint());
        cmd.addAll(hasArgs ? c.getArgs() : hasCommand ? List.of() : image.cmd());
        return cmd;
    }

    /** The image's environment (with the runtime's default PATH), then the container's env, which wins. */
    private List<String> envOf(Container c) {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode e : image.runtimeTemplate().path("process").path("env")) {
            put(env, e.asText());
        }
        env.remove("TERM"); // umoci's, for a terminal; Kubernetes sets none
        image.env().forEach(e -> put(env, e));
        for (EnvVar e : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
            if (e.getValueFrom() == null) {
                env.put(e.getName(), e.getValue() == null ? "" : e.getValue());
            } else if (e.getValueFrom().getFieldRef() != null
                    && e.getValueFrom().getFieldRef().getFieldPath().equals("spec.nodeName")) {
                env.put(e.getName(), nodeName);
            } else {
                throw new AssertionError("env " + e.getName() + ": only values and spec.nodeName are modelled");
            }
        }
        List<String> out = new ArrayList<>();
        env.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }

    private static void put(Map<String, String> env, String kv) {
        int eq = kv.indexOf('=');
        env.put(eq < 0 ? kv : kv.substring(0, eq), eq < 0 ? "" : kv.substring(eq + 1));
    }

    /**
     * containerd: privileged gets every capability the runtime itself has (ALL_CAPS is in bit order); otherwise its
     * default set, then drop (ALL) and add.
     */
    static List<String> capabilities(SecurityContext sc, boolean privileged) throws IOException {
        if (privileged) {
            long bounding = 0;
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapBnd:")) {
                    bounding = Long.parseUnsignedLong(line.substring(7).strip(), 16);
                }
            }
            List<String> held = new ArrayList<>();
            for (int bit = 0; bit < ALL_CAPS.size(); bit++) {
                if ((bounding & (1L << bit)) != 0) {
                    held.add(ALL_CAPS.get(bit));
                }
            }
            return held;
        }
        Set<String> caps = new LinkedHashSet<>(DEFAULT_CAPS);
        List<String> drop = sc.getCapabilities() == null || sc.getCapabilities().getDrop() == null ? List.of()
                : sc.getCapabilities().getDrop();
        List<String> add = sc.getCapabilities() == null || sc.getCapabilities().getAdd() == null ? List.of()
                : sc.getCapabilities().getAdd();
        if (add.contains("ALL")) {
            caps.addAll(ALL_CAPS);
        }
        for (String a : add) {
            if (!a.equals("ALL")) {
                caps.add("CAP_" + a);
            }
        }
        if (drop.contains("ALL")) {
            caps.clear();
            add.stream().filter(a -> !a.equals("ALL")).forEach(a -> caps.add("CAP_" + a));
        }
        for (String d : drop) {
            caps.remove("CAP_" + d);
        }
        return List.copyOf(caps);
    }

    /** Stops every container (TERM, then KILL after its grace period) and deletes it. */
    @Override
    public void close() {
        for (Running r : running.reversed()) {
            try {
                Cmd.run(20, "runc", "kill", r.id(), "TERM");
                if (!r.runc().waitFor(20, TimeUnit.SECONDS)) {
                    Cmd.run(20, "runc", "kill", r.id(), "KILL");
                    r.runc().waitFor(10, TimeUnit.SECONDS);
                }
                Cmd.run(30, "runc", "delete", "-f", r.id());
            } catch (IOException e) {
                // best effort: nothing else can be done in cleanup
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
