package net.gate64.resolver.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import net.gate64.config.ConfigOptions;
import net.gate64.resolver.config.HostPort;
import net.gate64.resolver.config.SettingsLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code gate64 control [--config FILE | --address=HOST:PORT] COMMAND}: talks to a running recursor over its web
 * endpoint (the address is the webserver-address of the same config file, or {@code --address}). Each command is a
 * picocli subcommand with its own help; an unknown one is an error that lists the valid ones. The answer is either
 * the recursor's output, "no server at ADDRESS" (nothing listens), or "the server refused: REASON" (it answered
 * with an error).
 */
@Command(name = "control", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        synopsisSubcommandLabel = "COMMAND",
        description = "Talks to a running recursor over its web endpoint (webserver-address from the --config file, "
                + "or --address).",
        footer = {"", "Examples:", "  gate64 control stats", "  gate64 control --address=127.0.0.1:8083 wipe-cache 'example.org$'"})
final class ControlCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Option(names = "--address", paramLabel = "HOST:PORT", scope = ScopeType.INHERIT,
            description = "the recursor's webserver-address (default: from the --config file, else 127.0.0.1:8082)")
    String address;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "which command? (commands: "
                + String.join(", ", spec.subcommands().keySet()) + ")");
    }

    @Command(name = "ping", mixinStandardHelpOptions = true, description = "check that the recursor answers")
    int ping() throws Exception {
        get("/health");
        out().println("pong");
        return 0;
    }

    @Command(name = "stats", mixinStandardHelpOptions = true, description = "every counter and gauge, one \"name value\" per line")
    int stats() throws Exception {
        for (String line : get("/metrics").split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                out().println(line);
            }
        }
        return 0;
    }

    @Command(name = "metrics", mixinStandardHelpOptions = true, description = "every metric in Prometheus text format")
    int metrics() throws Exception {
        out().print(get("/metrics"));
        out().flush();
        return 0;
    }

    @Command(name = "wipe-cache", mixinStandardHelpOptions = true, description = "remove NAME from the caches; NAME$ removes the whole subtree")
    int wipeCache(@Parameters(paramLabel = "NAME", arity = "1..*", description = "a domain name, or NAME$") List<String> names)
            throws Exception {
        for (String n : names) {
            boolean subtree = n.endsWith("$");
            String name = subtree ? n.substring(0, n.length() - 1) : n;
            out().print(post("/control/wipe-cache?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8)
                    + "&subtree=" + subtree));
        }
        out().flush();
        return 0;
    }

    @Command(name = "reload-lua-script", mixinStandardHelpOptions = true, description = "load the hook script again (or FILE instead); if it does not "
            + "load, the running script stays and the error is shown with file:line")
    int reloadLuaScript(@Parameters(paramLabel = "FILE", arity = "0..1", description = "another script to load") Path file)
            throws Exception {
        String f = file == null ? "" : file.toAbsolutePath().toString();
        out().print(post("/control/reload-lua-script?file=" + URLEncoder.encode(f, StandardCharsets.UTF_8)));
        out().flush();
        return 0;
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private String base() {
        if (address == null) {
            address = HostPort.format(SettingsLoader.read(config.load(SettingsLoader.SCHEMA)).webserverAddress());
        }
        return "http://" + address;
    }

    private String get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base() + path)).GET().build());
    }

    private String post(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base() + path)).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    private String send(HttpRequest request) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        HttpResponse<String> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new ControlError("no server at " + address + " (is the recursor running, with webserver = true and "
                    + "this webserver-address? give --config FILE or --address=HOST:PORT)");
        } catch (IOException e) {
            throw new ControlError("no answer from " + address + ": "
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
        }
        if (r.statusCode() != 200) {
            String reason = r.body().strip();
            throw new ControlError("the server at " + address + " refused: " + (reason.isEmpty() ? "" : reason + " ")
                    + "(HTTP " + r.statusCode() + ")");
        }
        return r.body();
    }

    /** What went wrong talking to the recursor, in full; exit status 1. */
    static final class ControlError extends RuntimeException {
        ControlError(String message) {
            super(message, null, false, false);
        }
    }
}
