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
import net.gate64.resolver.config.HostPort;
import net.gate64.resolver.config.SettingsLoader;

/**
 * {@code gate64 control [--config FILE] COMMAND}: talks to a running recursor over its web endpoint (the address
 * comes from the same config file, or {@code --address=HOST:PORT}). Commands: {@code ping}, {@code stats}
 * (every metric as "name value"), {@code metrics} (Prometheus text), {@code wipe-cache NAME} (NAME$ for the subtree),
 * {@code reload-lua-script [FILE]}.
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
                      reload-lua-script [FILE]
                                         load the hook script again (or FILE instead); if it fails to load,
                                         the running script stays and the error is shown with file:line
                    """);
            return args.help ? 0 : 2;
        }
        String address = args.option("address", null);
        if (address == null) {
            address = HostPort.format(SettingsLoader.load(args.config, args.overrides).webserverAddress());
        }
        String base = "http://" + address;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        String command = args.words.get(0);
        try {
            switch (command) {
                case "ping" -> {
                    get(http, base + "/health");
                    out.println("pong");
                }
                case "metrics" -> out.print(get(http, base + "/metrics"));
                case "stats" -> {
                    for (String line : get(http, base + "/metrics").split("\n")) {
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
                                + URLEncoder.encode(name, StandardCharsets.UTF_8) + "&subtree=" + subtree));
                    }
                }
                case "reload-lua-script" -> {
                    String file = args.words.size() > 1
                            ? java.nio.file.Path.of(args.words.get(1)).toAbsolutePath().toString() : "";
                    out.print(post(http, base + "/control/reload-lua-script?file="
                            + URLEncoder.encode(file, StandardCharsets.UTF_8)));
                }
                default -> throw new Args.UsageError("unknown control command '" + command + "'");
            }
        } catch (IOException e) {
            err.println("gate64 control: cannot reach the recursor at " + base + ": " + e.getMessage());
            return 1;
        }
        return 0;
    }

    private static String get(HttpClient http, String url) throws IOException, InterruptedException {
        return check(http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString()));
    }

    private static String post(HttpClient http, String url) throws IOException, InterruptedException {
        return check(http.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString()));
    }

    private static String check(HttpResponse<String> r) throws IOException {
        if (r.statusCode() != 200) {
            throw new IOException("HTTP " + r.statusCode() + ": " + r.body().strip());
        }
        return r.body();
    }
}
