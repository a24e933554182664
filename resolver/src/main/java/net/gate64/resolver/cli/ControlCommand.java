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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import net.gate64.common.web.Secret;
import net.gate64.common.web.WebAccess;
import net.gate64.config.ConfigOptions;
import net.gate64.config.ConfigReader;
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
 * picocli subcommand with its own help; an unknown one is an error that lists the valid ones. A failure says which
 * of two things happened: "no server at ADDRESS" (nothing listens) or "the server at ADDRESS refused: REASON" (it
 * answered with an error).
 *
 * <p>State-changing commands send the API key (from {@code --api-key=KEY}, {@code GATE64_API_KEY},
 * {@code --api-key-file=FILE} or the config's plain {@code api-key}, in that order); read-only ones send the
 * webserver password when one is given the same ways ({@code --password=}, {@code GATE64_WEBSERVER_PASSWORD},
 * {@code --password-file=}, {@code webserver-password}). {@code hash-password} runs locally.
 */
@Command(name = "control", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        synopsisSubcommandLabel = "COMMAND",
        description = "Talks to a running recursor over its web endpoint (webserver-address from the --config file, "
                + "or --address).",
        footer = {"", "Examples:", "  gate64 control stats",
            "  gate64 control --address=127.0.0.1:8083 --api-key-file=key.txt wipe-cache 'example.org$'"})
final class ControlCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Option(names = "--address", paramLabel = "HOST:PORT", scope = ScopeType.INHERIT,
            description = "the recursor's webserver-address (default: from the --config file, else 127.0.0.1:8082)")
    String address;

    @Option(names = "--api-key", paramLabel = "KEY", scope = ScopeType.INHERIT,
            description = "the recursor's api-key, for wipe-cache and reload (default: $GATE64_API_KEY, else "
                    + "--api-key-file, else the config file's api-key if not hashed)")
    String apiKey;

    @Option(names = "--api-key-file", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "read the api-key from FILE")
    Path apiKeyFile;

    @Option(names = "--password", paramLabel = "PW", scope = ScopeType.INHERIT,
            description = "webserver-password, for stats and metrics (default: $GATE64_WEBSERVER_PASSWORD, else "
                    + "--password-file, else the config's, if not hashed)")
    String password;

    @Option(names = "--password-file", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "read the webserver-password from FILE")
    Path passwordFile;

    private ConfigReader settings;

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

    @Command(name = "stats", mixinStandardHelpOptions = true,
            description = "every counter and gauge, one \"name value\" per line")
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

    @Command(name = "wipe-cache", mixinStandardHelpOptions = true,
            description = "remove NAME from the caches; NAME$ removes the whole subtree (needs the api-key)")
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

    @Command(name = "reload-lua-script", mixinStandardHelpOptions = true,
            description = "load the configured hook script (lua-dns-script) again; if it does not load, the running "
                    + "script stays and the error is shown with file:line (needs the api-key)")
    int reloadLuaScript() throws Exception {
        out().print(post("/control/reload-lua-script"));
        out().flush();
        return 0;
    }

    @Command(name = "hash-password", mixinStandardHelpOptions = true,
            description = "print the hashed form of SECRET for api-key or webserver-password, so the config file "
                    + "need not hold the secret itself; runs locally")
    int hashPassword(@Parameters(paramLabel = "SECRET", arity = "0..1",
            description = "the secret (read from standard input when not given)") String secret) throws IOException {
        String plain = secret != null ? secret : new String(System.in.readAllBytes(), StandardCharsets.UTF_8).strip();
        if (plain.isEmpty()) {
            throw new ParameterException(spec.commandLine().getSubcommands().get("hash-password"),
                    "give the secret as an argument or on standard input");
        }
        out().println(Secret.hash(plain));
        return 0;
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** The settings, when a --config file is given or the address must come from them; else null. */
    private ConfigReader settings() {
        if (settings == null && (config.file() != null || address == null)) {
            settings = config.load(SettingsLoader.SCHEMA);
        }
        return settings;
    }

    private String base() {
        if (address == null) {
            address = HostPort.format(SettingsLoader.read(settings()).webserverAddress());
        }
        return "http://" + address;
    }

    private String get(String path) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).GET();
        String pw = secret(password, "GATE64_WEBSERVER_PASSWORD", passwordFile, "webserver-password");
        String key = pw == null ? secret(apiKey, "GATE64_API_KEY", apiKeyFile, "api-key") : null;
        if (pw != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    ("gate64:" + pw).getBytes(StandardCharsets.UTF_8)));
        } else if (key != null) {
            b.header(WebAccess.KEY_HEADER, key);
        }
        return send(b.build());
    }

    private String post(String path) throws Exception {
        String key = secret(apiKey, "GATE64_API_KEY", apiKeyFile, "api-key");
        if (key == null) {
            throw new ParameterException(spec.commandLine(), "this command changes state and needs the recursor's api-key: give "
                    + "--api-key=KEY, --api-key-file=FILE or GATE64_API_KEY (a hashed api-key in the config file "
                    + "cannot be sent)");
        }
        return send(HttpRequest.newBuilder(URI.create(base() + path)).header(WebAccess.KEY_HEADER, key)
                .POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    /** The plain secret from the option, $ENV, the -file option or the config file's setting (unless hashed there). */
    private String secret(String given, String env, Path file, String setting) throws IOException {
        String v = given;
        if (v == null) {
            v = System.getenv(env);
        }
        if ((v == null || v.isEmpty()) && file != null) {
            v = Files.readString(file, StandardCharsets.UTF_8).strip();
        }
        if ((v == null || v.isEmpty()) && settings() != null) {
            String fromConfig = settings().string(setting);
            v = fromConfig.startsWith("$") ? null : fromConfig;
        }
        return v == null || v.isEmpty() ? null : v;
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
