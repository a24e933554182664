package net.gate64.tests;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.gate64.testing.ProcessLog;
import org.xbill.DNS.Message;
import org.xbill.DNS.SimpleResolver;

/**
 * The real recursor program ({@code gate64 recursor --config FILE}, its Main in a JVM of its own) on a free loopback
 * port, its standard output and error kept in a file, so tests see exactly what an operator's terminal or journal
 * would.
 */
final class RecursorProcess implements AutoCloseable {
    final Process process;
    final InetSocketAddress dns;
    final Path log;

    private RecursorProcess(Process process, InetSocketAddress dns, Path log) {
        this.process = process;
        this.dns = dns;
        this.log = log;
    }

    private static final java.util.regex.Pattern LISTENING =
            java.util.regex.Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+) ");

    /**
     * Writes {@code config} (HOCON; {@code local-address} 127.0.0.1:0 is added, the OS picks the port) to {@code dir}
     * and runs the recursor on it; returns once it logged the port it listens on (so the level must show info) and
     * answered {@code probe} there.
     */
    static RecursorProcess start(Path dir, String config, Message probe) throws Exception {
        Path file = dir.resolve("recursor.conf");
        Files.writeString(file, config + "\nlocal-address = [\"127.0.0.1:0\"]\n");
        return start(file, dir.resolve("recursor.log"), probe);
    }

    /** As above on a file written by the caller, which must set local-address to 127.0.0.1:0 itself. */
    static RecursorProcess start(Path file, Path log, Message probe) throws Exception {
        return startWith(List.of("--config", file.toString()), log, probe);
    }

    /**
     * As above with {@code gate64 recursor ARGS} (e.g. only {@code -D} settings, no file), which must set
     * local-address to 127.0.0.1:0 themselves.
     */
    static RecursorProcess startWith(List<String> args, Path log, Message probe) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path"),
                "net.gate64.resolver.cli.Main", "recursor"));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            java.util.regex.MatchResult m = ProcessLog.await(p, log, LISTENING, Duration.ofSeconds(90));
            RecursorProcess r = new RecursorProcess(p, new InetSocketAddress("127.0.0.1", Integer.parseInt(m.group(1))), log);
            SimpleResolver client = new SimpleResolver(r.dns);
            client.setTimeout(Duration.ofSeconds(10));
            try {
                client.send(probe); // bound before it logged: this is answered
            } catch (java.io.IOException e) {
                throw new IllegalStateException("the recursor did not answer " + probe.getQuestion() + ": " + e
                        + "\n" + Files.readString(log, StandardCharsets.UTF_8), e);
            }
            return r;
        } catch (Exception e) {
            p.destroyForcibly();
            throw e;
        }
    }

    String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** Stops it as an operator would (SIGTERM) and returns every line it wrote. */
    List<String> stop() throws Exception {
        close();
        return output().lines().toList();
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
