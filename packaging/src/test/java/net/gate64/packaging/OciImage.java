package net.gate64.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The build's OCI image archive unpacked once for the tests: the root file system (umoci unpack), the runtime
 * configuration umoci derived from the image (the template every container's config.json starts from) and the
 * image's own entrypoint, command and environment, which Kubernetes combines with a container's command and args.
 */
record OciImage(Path rootfs, ObjectNode runtimeTemplate, List<String> entrypoint, List<String> cmd, List<String> env,
                String user) {
    static final ObjectMapper JSON = JsonMapper.builder().build();

    /** Unpacks {@code tar} (the build's target/gate64-image.tar) under {@code work}. */
    static OciImage unpack(Path tar, Path work) throws IOException {
        Path layout = Files.createDirectories(work.resolve("layout"));
        Cmd.run(120, "tar", "-C", layout.toString(), "-xf", tar.toString()).must("tar");
        String tag = Cmd.run(30, "umoci", "ls", "--layout", layout.toString()).must("umoci ls").out().strip();
        Path bundle = work.resolve("image-bundle");
        Cmd.run(300, "umoci", "unpack", "--image", layout + ":" + tag, bundle.toString()).must("umoci unpack");
        ObjectNode template = (ObjectNode) JSON.readTree(bundle.resolve("config.json").toFile());
        // index.json -> manifest -> image configuration (OCI image-spec: content addressed by digest).
        JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
        JsonNode manifest = blob(layout, index.path("manifests").path(0).path("digest").asText());
        JsonNode config = blob(layout, manifest.path("config").path("digest").asText()).path("config");
        return new OciImage(bundle.resolve("rootfs"), template, strings(config.path("Entrypoint")),
                strings(config.path("Cmd")), strings(config.path("Env")), config.path("User").asText(""));
    }

    private static JsonNode blob(Path layout, String digest) throws IOException {
        if (!digest.startsWith("sha256:")) {
            throw new IOException("unexpected digest '" + digest + "' in " + layout);
        }
        return JSON.readTree(layout.resolve("blobs/sha256").resolve(digest.substring(7)).toFile());
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
