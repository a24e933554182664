package net.gate64.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import net.gate64.resolver.config.SettingsLoader;
import org.junit.jupiter.api.Test;

/**
 * contrib/kubernetes: every manifest parsed strictly against the Kubernetes API types (fabric8's model, generated
 * from the Kubernetes OpenAPI schema; a field the API does not have, or a value of the wrong type, fails), the
 * base and overlays rendered by kustomize ({@code kubectl kustomize}) and the rendered objects checked for what
 * the API server cannot see: probes, services and mounts that point at things that exist, selectors that select,
 * memory limits that match the JVM sizing, ConfigMap files that the programs accept.
 */
class KubernetesManifestsTest {
    static final Path K8S = Cmd.repoDir().resolve("contrib/kubernetes");
    static final ObjectMapper YAML = YAMLMapper.builder(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();
    static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "v1/Namespace", Namespace.class,
            "v1/ConfigMap", ConfigMap.class,
            "v1/Service", Service.class,
            "apps/v1/Deployment", Deployment.class,
            "apps/v1/DaemonSet", DaemonSet.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class);

    /** Parses every document of a YAML stream as the API type its apiVersion and kind name; nothing unknown. */
    static List<HasMetadata> parseStrictly(String yaml, String origin) throws IOException {
        List<HasMetadata> out = new ArrayList<>();
        for (JsonNode doc : YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml).readAll()) {
            if (doc == null || doc.isNull() || doc.isEmpty()) {
                continue;
            }
            String key = doc.path("apiVersion").asText() + "/" + doc.path("kind").asText();
            Class<? extends HasMetadata> type = KINDS.get(key);
            assertNotNull(type, origin + ": unexpected kind " + key);
            HasMetadata resource = YAML.treeToValue(doc, type);
            List<String> unknown = new ArrayList<>();
            unknownFields(resource, key + " " + resource.getMetadata().getName(), unknown, new IdentityHashMap<>());
            assertEquals(List.of(), unknown, origin + ": fields the Kubernetes API does not have");
            // The model ignores nothing else: a round trip gives back exactly what the file says.
            JsonNode back = JsonMapper.builder().build().valueToTree(resource);
            assertEquals(withoutNulls(doc), withoutNulls(back), origin + ": " + key + " did not survive a round trip");
            out.add(resource);
        }
        return out;
    }

    /** fabric8 types keep fields they do not know in additionalProperties instead of failing: collect them. */
    static void unknownFields(Object o, String path, List<String> unknown, IdentityHashMap<Object, Boolean> seen) {
        if (o == null || seen.put(o, Boolean.TRUE) != null) {
            return;
        }
        if (o instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                unknownFields(list.get(i), path + "[" + i + "]", unknown, seen);
            }
            return;
        }
        if (o instanceof Map<?, ?> map) {
            map.forEach((k, v) -> unknownFields(v, path + "." + k, unknown, seen));
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || !m.getName().startsWith("get")
                    || m.getDeclaringClass() == Object.class) {
                continue;
            }
            try {
                Object v = m.invoke(o);
                if (m.getName().equals("getAdditionalProperties")) {
                    if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        unknown.add(path + ": " + extra.keySet());
                    }
                } else {
                    unknownFields(v, path + "." + m.getName().substring(3), unknown, seen);
                }
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
    }

    static JsonNode withoutNulls(JsonNode n) {
        if (n.isObject()) {
            var copy = JsonMapper.builder().build().createObjectNode();
            n.properties().forEach(e -> {
                JsonNode v = withoutNulls(e.getValue());
                boolean empty = v.isNull() || (v.isContainerNode() && v.isEmpty());
                if (!empty) {
                    copy.set(e.getKey(), v);
                }
            });
            return copy;
        }
        if (n.isArray()) {
            var copy = JsonMapper.builder().build().createArrayNode();
            n.forEach(v -> copy.add(withoutNulls(v)));
            return copy;
        }
        if (n.isNumber() || n.isBoolean()) {
            return JsonMapper.builder().build().getNodeFactory().textNode(n.asText());
        }
        return n;
    }

    static List<Path> manifestFiles() throws IOException {
        try (Stream<Path> s = Files.walk(K8S)) {
            return s.filter(p -> p.toString().endsWith(".yaml") && !p.getFileName().toString().equals("kustomization.yaml"))
                    .sorted().toList();
        }
    }

    static List<HasMetadata> render(String dir) throws IOException {
        Cmd.Result r = Cmd.run(120, "kubectl", "kustomize", K8S.resolve(dir).toString());
        assertEquals(0, r.code(), r.out());
        return parseStrictly(r.out(), "kustomize " + dir);
    }

    static void assumeKustomize() {
        assumeTrue(Cmd.have("kubectl"), "kubectl (with its built-in kustomize) is not installed: skipping the rendering checks");
    }

    @SuppressWarnings("unchecked")
    static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type, String name) {
        return (T) objects.stream().filter(o -> type.isInstance(o) && o.getMetadata().getName().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
    }

    @Test
    void everyManifestFileIsValidAgainstTheApi() throws IOException {
        List<Path> files = manifestFiles();
        assertTrue(files.size() >= 6, files.toString());
        for (Path f : files) {
            parseStrictly(Files.readString(f), K8S.relativize(f).toString());
        }
    }

    @Test
    void strictParsingRejectsAFieldTheApiDoesNotHave() {
        String typo = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  template:
                    spec:
                      containers:
                        - name: c
                          image: gate64
                          livenessProbe: {httpGet: {path: /health, port: 8082}, periodSecond: 5}
                """;
        AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> parseStrictly(typo, "typo"));
        assertTrue(e.getMessage().contains("periodSecond"), e.getMessage());
        String wrongType = "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {ports: [{port: dns}]}\n";
        org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> parseStrictly(wrongType, "type"));
    }

    @Test
    void baseRendersAConsistentDeployment() throws IOException {
        assumeKustomize();
        List<HasMetadata> all = render("base");
        for (HasMetadata o : all) {
            if (!(o instanceof Namespace)) {
                assertEquals("gate64", o.getMetadata().getNamespace(), o.getMetadata().getName());
            }
        }
        Deployment recursor = one(all, Deployment.class, "gate64-recursor");
        PodSpec pod = recursor.getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().get(0);
        assertEquals(List.of("recursor", "--config", "/etc/gate64/recursor.conf"), c.getArgs());
        assertEquals("gate64:0.1.0-SNAPSHOT", c.getImage());
        assertEquals(64064L, pod.getSecurityContext().getRunAsUser());
        assertTrue(c.getSecurityContext().getReadOnlyRootFilesystem());
        assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop());
        assertEquals("53", pod.getSecurityContext().getSysctls().get(0).getValue());
        checkPodReferences(pod, all);
        // Probes on the read-only health endpoints, through a named port that exists.
        for (Probe p : List.of(c.getLivenessProbe(), c.getReadinessProbe(), c.getStartupProbe())) {
            assertTrue(Set.of("/health", "/ready").contains(p.getHttpGet().getPath()));
            assertTrue(c.getPorts().stream().anyMatch(port -> port.getName().equals(p.getHttpGet().getPort().getStrVal())));
        }
        // The Service reaches the pods on UDP and TCP 53 through ports the container has.
        Service svc = one(all, Service.class, "gate64-recursor");
        assertEquals(recursor.getSpec().getTemplate().getMetadata().getLabels().entrySet()
                .containsAll(svc.getSpec().getSelector().entrySet()), true);
        for (ServicePort sp : svc.getSpec().getPorts()) {
            ContainerPort cp = c.getPorts().stream().filter(p -> p.getName().equals(sp.getTargetPort().getStrVal()))
                    .findFirst().orElseThrow(() -> new AssertionError("service port " + sp.getName() + " targets nothing"));
            assertEquals(cp.getProtocol(), sp.getProtocol());
        }
        assertTrue(svc.getSpec().getPorts().stream().anyMatch(p -> p.getPort() == 53 && p.getProtocol().equals("UDP")));
        assertTrue(svc.getSpec().getPorts().stream().anyMatch(p -> p.getPort() == 53 && p.getProtocol().equals("TCP")));
        PodDisruptionBudget pdb = one(all, PodDisruptionBudget.class, "gate64-recursor");
        assertTrue(recursor.getSpec().getTemplate().getMetadata().getLabels().entrySet()
                .containsAll(pdb.getSpec().getSelector().getMatchLabels().entrySet()));
        // The memory limit leaves the JVM the heap the caches in recursor.conf were sized for (docs/deploy.md).
        Quantity limit = c.getResources().getLimits().get("memory");
        assertEquals(limit, c.getResources().getRequests().get("memory"), "request = limit: never evicted first");
        assertEquals(128, heapMiB(Quantity.getAmountInBytes(limit).longValue(), c.getArgs()));
        // The ConfigMap files are what the base directory holds, and the recursor accepts them.
        ConfigMap cm = one(all, ConfigMap.class, "gate64-recursor");
        assertEquals(Files.readString(K8S.resolve("base/recursor.conf")), cm.getData().get("recursor.conf"));
        assertEquals(Files.readString(Cmd.repoDir().resolve("contrib/dns64.lua")), cm.getData().get("dns64.lua"),
                "base/dns64.lua must stay a copy of contrib/dns64.lua");
        SettingsLoader.load(K8S.resolve("base/recursor.conf"), List.of());
    }

    @Test
    void baseRendersAGatewayOnEveryNode() throws IOException {
        assumeKustomize();
        List<HasMetadata> all = render("base");
        DaemonSet ds = one(all, DaemonSet.class, "gate64-nat64");
        PodSpec pod = ds.getSpec().getTemplate().getSpec();
        assertTrue(pod.getHostNetwork());
        Container c = pod.getContainers().get(0);
        assertEquals(List.of("NET_ADMIN"), c.getSecurityContext().getCapabilities().getAdd());
        assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop());
        assertTrue(c.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/dev/net/tun")));
        assertEquals("spec.nodeName", c.getEnv().stream().filter(e -> e.getName().equals("NODE_NAME")).findFirst()
                .orElseThrow().getValueFrom().getFieldRef().getFieldPath());
        // Probes on the gateway's health endpoints (nat64/http), on the node's loopback where http-address listens.
        assertEquals("/health", c.getStartupProbe().getHttpGet().getPath());
        assertEquals("/health", c.getLivenessProbe().getHttpGet().getPath());
        assertEquals("/ready", c.getReadinessProbe().getHttpGet().getPath());
        java.net.InetSocketAddress http = net.gate64.nat64.config.SettingsLoader.load(K8S.resolve("base/nat64.conf"),
                List.of()).httpAddress();
        for (Probe p : List.of(c.getStartupProbe(), c.getLivenessProbe(), c.getReadinessProbe())) {
            assertEquals(http.getAddress().getHostAddress(), p.getHttpGet().getHost());
            assertEquals(http.getPort(), p.getHttpGet().getPort().getIntVal());
        }
        checkPodReferences(pod, all);
        ConfigMap cm = one(all, ConfigMap.class, "gate64-nat64");
        assertTrue(cm.getData().keySet().containsAll(List.of("nat64.conf", "pools", "start-nat64.sh")));
        net.gate64.nat64.config.SettingsLoader.load(K8S.resolve("base/nat64.conf"), List.of());
    }

    @Test
    void overlaysChangeOnlyWhatTheySay() throws IOException {
        assumeKustomize();
        List<HasMetadata> small = render("overlays/small");
        assertEquals(1, one(small, Deployment.class, "gate64-recursor").getSpec().getReplicas());
        assertEquals(0, one(small, PodDisruptionBudget.class, "gate64-recursor").getSpec().getMinAvailable().getIntVal());
        List<HasMetadata> prod = render("overlays/production");
        Deployment d = one(prod, Deployment.class, "gate64-recursor");
        assertEquals(3, d.getSpec().getReplicas());
        Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals("registry.example.org/gate64:0.1.0-SNAPSHOT", c.getImage());
        assertEquals(800, heapMiB(Quantity.getAmountInBytes(c.getResources().getLimits().get("memory")).longValue(),
                c.getArgs()));
        assertTrue(c.getArgs().contains("-Dmax-cache-entries=1000000"), c.getArgs().toString());
        assertNotNull(c.getLivenessProbe(), "the patch merged into the container instead of replacing it");
        ConfigMap nat = one(prod, ConfigMap.class, "gate64-nat64");
        assertTrue(nat.getData().get("pools").contains("node-b"));
        assertTrue(nat.getData().containsKey("nat64.conf"), "merge keeps the base's files");
        checkPodReferences(d.getSpec().getTemplate().getSpec(), prod);
    }

    /** Every mount names a volume; every ConfigMap volume names a rendered ConfigMap. */
    static void checkPodReferences(PodSpec pod, List<HasMetadata> all) {
        List<Container> containers = new ArrayList<>(pod.getContainers());
        if (pod.getInitContainers() != null) {
            containers.addAll(pod.getInitContainers());
        }
        for (Container c : containers) {
            for (VolumeMount m : c.getVolumeMounts() == null ? List.<VolumeMount>of() : c.getVolumeMounts()) {
                assertTrue(pod.getVolumes().stream().anyMatch(v -> v.getName().equals(m.getName())),
                        c.getName() + " mounts unknown volume " + m.getName());
            }
        }
        for (Volume v : pod.getVolumes()) {
            if (v.getConfigMap() != null) {
                one(all, ConfigMap.class, v.getConfigMap().getName());
            }
        }
    }

    /**
     * The heap jvm-options.sh gives for a memory limit (limit - 96 MiB - limit/8), in MiB, to a container with these
     * args (the ConfigMap's recursor.conf read from base/), which must not be told that its caches need more.
     */
    static long heapMiB(long limitBytes, List<String> args) throws IOException {
        Path script = Cmd.moduleDir().resolve("launcher/jvm-options.sh");
        List<String> cmd = new ArrayList<>(List.of("env", "-i", "PATH=/usr/bin:/bin", "sh", "-c",
                ". \"$0\"; gate64_memory_limit() { echo " + limitBytes
                + "; }; gate64_jvm_options \"$@\"; echo \"$GATE64_JVM_FLAGS\"", script.toString()));
        for (String a : args) {
            cmd.add(a.equals("/etc/gate64/recursor.conf") ? K8S.resolve("base/recursor.conf").toString() : a);
        }
        Cmd.Result r = Cmd.run(20, null, cmd).must("jvm-options.sh");
        assertTrue(!r.out().contains("gate64:"), "the caches do not fit the heap of the memory limit: " + r.out());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("-Xmx(\\d+)m").matcher(r.out());
        assertTrue(m.find(), r.out());
        return Long.parseLong(m.group(1));
    }
}
