package net.gate64.resolver.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import net.gate64.common.web.Secret;
import net.gate64.common.web.WebAccess;
import net.gate64.resolver.config.HostPort;
import net.gate64.resolver.config.SettingsLoader;

/**
 * {@code gate64 control [--config FILE] COMMAND}: talks to a running recursor over its web endpoint (the address
 * comes from the same config file, or {@code --address=HOST:PORT}). Commands: {@code ping}, {@code stats}
 * (every metric as "name value"), {@code metrics} (Prometheus text), {@code wipe-cache NAME} (NAME$ for the subtree),
 * {@code reload-lua-script}, and {@code hash-password}, which runs locally. State-changing commands send the API key
 * (from {@code --api-key=KEY}, {@code GATE64_API_KEY}, {@code --api-key-file=FILE} or the config's plain
 * {@code api-key}, in that order); read-only ones send the webserver password when one is given the same ways
 * ({@code --password=}, {@code GATE64_WEBSERVER_PASSWORD}, {@code --password-file=}, {@code webserver-password}).
 */
final class ControlCommand {
    private ControlCommand() {}

    static int run(Args args, PrintStream out, PrintStream err) throws Exception {
        if (args.help || args.words.isEmpty()) {
            out.print("""
                    usage: gate64 control [--config FILE | --address=HOST:PORT] COMMAND

                    commands:
                      ping               check that the recursor answers
                      stats              every counter and gauge, one "name value" per line
                      metrics            the same in Prometheus text format
                      wipe-cache NAME    remove NAME from the caches (NAME$ removes the whole subtree)
                      reload-lua-script  load the configured hook script (lua-dns-script) again; if it fails to
                                         load, the running script stays and the error is shown with file:line
                      hash-password [SECRET]
                                         print the hashed form of SECRET (read from stdin when not given) for
                                         api-key or webserver-password, so the file need not hold the secret

                    options:
                      --api-key=KEY | --api-key-file=FILE   the recursor's api-key, for wipe-cache and reload
                                         (default: $GATE64_API_KEY, else the config file's api-key if not hashed)
                      --password=PW | --password-file=FILE  webserver-password, for stats and metrics
                                         (default: $GATE64_WEBSERVER_PASSWORD, else the config's, if not hashed)
                    """);
            return args.help ? 0 : 2;
        }
        String command = args.words.get(0);
        if (command.equals("hash-password")) {
            return hashPassword(args, out, err);
        }
        String address = args.option("address", null);
        SettingsLoader config = args.config != null || address == null ? SettingsLoader.open(args.config, args.overrides) : null;
        if (address == null) {
            address = HostPort.format(config.settings().webserverAddress());
        }
        String apiKey = secret(args, "api-key", "GATE64_API_KEY", config, "api-key");
        String password = secret(args, "password", "GATE64_WEBSERVER_PASSWORD", config, "webserver-password");
        String base = "http://" + address;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        Auth auth = new Auth(apiKey, password);
        try {
            switch (command) {
                case "ping" -> {
                    get(http, base + "/health", auth);
                    out.println("pong");
                }
                case "metrics" -> out.print(get(http, base + "/metrics", auth));
                case "stats" -> {
                    for (String line : get(http, base + "/metrics", auth).split("\n")) {
                        if (!line.startsWith("#") && !line.isBlank()) {
                            out.println(line);
                        }
                    }
                }
                case "wipe-cache" -> {
                    if (args.words.size() < 2) {
                        throw new Args.UsageError("wipe-cache needs a name");
                    }
                    for (String n : args.words.subList(1, args.words.size())) {
                        boolean subtree = n.endsWith("$");
                        String name = subtree ? n.substring(0, n.length() - 1) : n;
                        out.print(post(http, base + "/control/wipe-cache?name="
                                + URLEncoder.encode(name, StandardCharsets.UTF_8) + "&subtree=" + subtree, auth));
                    }
                }
                case "reload-lua-script" -> {
                    if (args.words.size() > 1) {
                        throw new Args.UsageError("reload-lua-script takes no file: it reloads the configured "
                                + "lua-dns-script (change that setting to load another script)");
                    }
                    out.print(post(http, base + "/control/reload-lua-script", auth));
                }
                default -> throw new Args.UsageError("unknown control command '" + command + "'");
            }
        } catch (Refused e) {
            err.println("gate64 control: the recursor at " + base + " refused: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("gate64 control: cannot reach the recursor at " + base + ": "
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
            return 1;
        }
        return 0;
    }

    /** What the client sends: the API key on state changes, the password (or else the key) on reads. */
    private record Auth(String apiKey, String password) {
        HttpRequest.Builder read(HttpRequest.Builder b) {
            if (password != null) {
                b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        ("gate64:" + password).getBytes(StandardCharsets.UTF_8)));
            } else if (apiKey != null) {
                b.header(WebAccess.KEY_HEADER, apiKey);
            }
            return b;
        }

        HttpRequest.Builder write(HttpRequest.Builder b) throws Args.UsageError {
            if (apiKey == null) {
                throw new Args.UsageError("this command changes state and needs the recursor's api-key: give "
                        + "--api-key=KEY, --api-key-file=FILE or GATE64_API_KEY (a hashed api-key in the config "
                        + "file cannot be sent)");
            }
            return b.header(WebAccess.KEY_HEADER, apiKey);
        }
    }

    /** The plain secret from --NAME=, $ENV, --NAME-file= or the config file's setting (unless hashed there). */
    private static String secret(Args args, String option, String env, SettingsLoader config, String setting)
            throws IOException {
        String v = args.option(option, null);
        if (v == null) {
            v = System.getenv(env);
        }
        String file = args.option(option + "-file", null);
        if ((v == null || v.isEmpty()) && file != null) {
            v = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
        }
        if ((v == null || v.isEmpty()) && config != null) {
            String fromConfig = config.config().getString(setting);
            v = fromConfig.startsWith("$") ? null : fromConfig;
        }
        return v == null || v.isEmpty() ? null : v;
    }

    private static int hashPassword(Args args, PrintStream out, PrintStream err) throws IOException {
        String plain = args.words.size() > 1 ? args.words.get(1)
                : new String(System.in.readAllBytes(), StandardCharsets.UTF_8).strip();
        if (plain.isEmpty()) {
            err.println("gate64 control hash-password: give the secret as an argument or on standard input");
            return 2;
        }
        out.println(Secret.hash(plain));
        return 0;
    }

    private static String get(HttpClient http, String url, Auth auth) throws IOException, InterruptedException {
        return check(http.send(auth.read(HttpRequest.newBuilder(URI.create(url))).GET().build(),
                HttpResponse.BodyHandlers.ofString()));
    }

    private static String post(HttpClient http, String url, Auth auth) throws IOException, InterruptedException {
        return check(http.send(auth.write(HttpRequest.newBuilder(URI.create(url)))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()));
    }

    /** The recursor answered, with an error. */
    private static final class Refused extends IOException {
        Refused(String message) {
            super(message);
        }
    }

    private static String check(HttpResponse<String> r) throws IOException {
        if (r.statusCode() != 200) {
            throw new Refused("HTTP " + r.statusCode() + ": " + r.body().strip());
        }
        return r.body();
    }
}
