package net.gate64.packaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs external commands for the packaging tests: output captured, bounded in time, never a shell. */
final class Cmd {
    record Result(int code, String out) {
        Result must(String what) {
            if (code != 0) {
                throw new AssertionError(what + " failed (exit " + code + "):\n" + out);
            }
            return this;
        }
    }

    private Cmd() {}

    static Result run(int seconds, String... cmd) throws IOException {
        return run(seconds, null, List.of(cmd));
    }

    static Result run(int seconds, Path dir, List<String> cmd) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Process p = pb.start();
        p.getOutputStream().close();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, new String(out, StandardCharsets.UTF_8) + " (timed out)");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted: " + String.join(" ", cmd));
        }
    }

    /** True when {@code tool} is on the PATH. */
    static boolean have(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", tool)) || Files.isExecutable(Path.of("/sbin", tool));
    }

    static boolean root() {
        try {
            return run(5, "id", "-u").out().trim().equals("0");
        } catch (IOException e) {
            return false;
        }
    }

    /** The reason the listed tools make a test impossible here, or null when all are present. */
    static String missing(String purpose, String... tools) {
        for (String t : tools) {
            if (!have(t)) {
                return t + " is not installed (./gate64 test installs it as root): skipping " + purpose;
            }
        }
        return null;
    }

    static Path moduleDir() {
        return Path.of(System.getProperty("user.dir"));
    }

    static Path repoDir() {
        return moduleDir().getParent();
    }
}
