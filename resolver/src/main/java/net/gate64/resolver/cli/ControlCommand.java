package net.gate64.resolver.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import net.gate64.common.web.ControlClient;
import net.gate64.common.web.Secret;
import net.gate64.config.ConfigOptions;
import net.gate64.config.ControlOptions;
import net.gate64.resolver.config.SettingsLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code gate64 control [--config FILE | --address=HOST:PORT] COMMAND}: talks to a running recursor over its web
 * endpoint (the address is the webserver-address of the same config file, or {@code --address}), with rec_control's
 * verbs where it has them. Each command is a picocli subcommand with its own help; an unknown one is an error that
 * lists the valid ones. A failure says which of two things happened: "no server at ADDRESS" (nothing listens) or "the
 * server at ADDRESS refused: REASON" (it answered with an error).
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
            "  gate64 control --address=127.0.0.1:8083 --api-key-file=key.txt wipe-cache 'example.org$'",
            "  gate64 control --config conf/recursor.conf reload-config",
            "", "The NAT64 gateway has its own: gate64 nat64 control --help"})
final class ControlCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Mixin
    ControlOptions control;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "which command? (commands: "
                + String.join(", ", spec.subcommands().keySet()) + ")");
    }

    @Command(name = "ping", mixinStandardHelpOptions = true, description = "check that the recursor answers")
    int ping() {
        client().get("/health");
        out().println("pong");
        return 0;
    }

    @Command(name = "stats", mixinStandardHelpOptions = true,
            description = "every counter and gauge, one \"name value\" per line")
    int stats() {
        for (String line : client().get("/metrics").split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                out().println(line);
            }
        }
        return 0;
    }

    @Command(name = "metrics", mixinStandardHelpOptions = true, description = "every metric in Prometheus text format")
    int metrics() {
        out().print(client().get("/metrics"));
        out().flush();
        return 0;
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = {"the value of each statistic NAME, one per line: a series "
                    + "(gate64_answers_total{rcode=\"servfail\"}), a family (each of its series as \"name value\"), or "
                    + "a rec_control name (questions, cache-hits, packetcache-hits, servfail-answers, ...)"})
    int get(@Parameters(paramLabel = "NAME", arity = "1..*") List<String> names) {
        Statistics s = new Statistics(client().get("/metrics"));
        List<String> unknown = new ArrayList<>();
        for (String n : names) {
            String v = s.get(n);
            if (v == null) {
                unknown.add("'" + n + "'" + s.didYouMean(n));
            } else {
                out().println(v);
            }
        }
        out().flush();
        if (!unknown.isEmpty()) {
            throw new ControlClient.Failure("unknown statistic " + String.join(", ", unknown)
                    + " (get-all lists them all)");
        }
        return 0;
    }

    @Command(name = "get-all", mixinStandardHelpOptions = true,
            description = "every statistic, \"name value\" per line: the rec_control names first, then every series")
    int getAll() {
        Statistics s = new Statistics(client().get("/metrics"));
        for (String alias : Statistics.POWERDNS.keySet()) {
            out().println(alias + " " + s.get(alias));
        }
        s.all().forEach((k, v) -> out().println(k + " " + v));
        out().flush();
        return 0;
    }

    @Command(name = "wipe-cache", mixinStandardHelpOptions = true,
            description = "remove NAME from the caches; NAME$ removes the whole subtree (needs the api-key)")
    int wipeCache(@Parameters(paramLabel = "NAME", arity = "1..*", description = "a domain name, or NAME$") List<String> names) {
        for (String n : names) {
            boolean subtree = n.endsWith("$");
            String name = subtree ? n.substring(0, n.length() - 1) : n;
            out().print(post("/control/wipe-cache?name=" + enc(name) + "&subtree=" + subtree));
        }
        out().flush();
        return 0;
    }

    @Command(name = "reload-lua-script", mixinStandardHelpOptions = true,
            description = "load the configured hook script (lua-dns-script) again; if it does not load, the running "
                    + "script stays and the error is shown with file:line (needs the api-key)")
    int reloadLuaScript() {
        return print(post("/control/reload-lua-script"));
    }

    @Command(name = "reload-config", mixinStandardHelpOptions = true,
            description = {"read the recursor's config file again (with its command line's -D overrides) and put the "
                    + "new settings in service as one snapshot, hook script included, as SIGHUP does; a bad file is "
                    + "refused with the key and position and the running settings stay. Prints what changed, what "
                    + "the caches lost and what needs a restart (needs the api-key)"})
    int reloadConfig() {
        return print(post("/control/reload-config"));
    }

    @Command(name = "dump-cache", mixinStandardHelpOptions = true,
            description = "write the record and negative caches to FILE (- for standard output), zone-file-like with "
                    + "the TTL left and the validation state of each RRset (needs the api-key)")
    int dumpCache(@Parameters(paramLabel = "FILE") Path file) throws IOException {
        ControlClient c = keyed();
        if (file.toString().equals("-")) {
            c.postStreaming("/control/dump-cache", System.out);
            return 0;
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".part");
        try (OutputStream o = Files.newOutputStream(tmp)) {
            c.postStreaming("/control/dump-cache", o);
        } catch (RuntimeException | IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        long lines;
        try (var l = Files.lines(file)) {
            lines = l.filter(s -> !s.startsWith(";")).count();
        }
        out().println("dumped " + lines + " cache lines to " + file);
        return 0;
    }

    @Command(name = "add-nta", mixinStandardHelpOptions = true,
            description = "add a negative trust anchor (RFC 7646): answers in ZONE and below are not validated, until "
                    + "the next reload-config (needs the api-key)")
    int addNta(@Parameters(paramLabel = "ZONE") String zone,
               @Parameters(paramLabel = "REASON", arity = "0..*") List<String> reason) {
        String why = reason == null ? "" : String.join(" ", reason);
        return print(post("/control/add-nta?zone=" + enc(zone) + (why.isEmpty() ? "" : "&reason=" + enc(why))));
    }

    @Command(name = "clear-nta", mixinStandardHelpOptions = true,
            description = "remove the negative trust anchors of each ZONE, or of all with '*' (needs the api-key)")
    int clearNta(@Parameters(paramLabel = "ZONE", arity = "1..*") List<String> zones) {
        if (zones.contains("*")) {
            return print(post("/control/clear-nta?all=true"));
        }
        StringBuilder q = new StringBuilder();
        for (String z : zones) {
            q.append(q.isEmpty() ? "?" : "&").append("zone=").append(enc(z));
        }
        return print(post("/control/clear-nta" + q));
    }

    @Command(name = "get-ntas", mixinStandardHelpOptions = true, description = "the negative trust anchors in force")
    int getNtas() {
        return print(client().get("/control/get-ntas"));
    }

    @Command(name = "add-ta", mixinStandardHelpOptions = true,
            description = "add a trust anchor for ZONE: the data of its DS record, e.g. add-ta example.org 12345 13 2 "
                    + "ABCD..., until the next reload-config (needs the api-key)")
    int addTa(@Parameters(paramLabel = "ZONE") String zone,
              @Parameters(paramLabel = "DS", arity = "4..*", description = "key tag, algorithm, digest type, digest")
              List<String> ds) {
        return print(post("/control/add-ta?zone=" + enc(zone) + "&ds=" + enc(String.join(" ", ds))));
    }

    @Command(name = "clear-ta", mixinStandardHelpOptions = true,
            description = "remove the trust anchors of ZONE (never the root's) (needs the api-key)")
    int clearTa(@Parameters(paramLabel = "ZONE") String zone) {
        return print(post("/control/clear-ta?zone=" + enc(zone)));
    }

    @Command(name = "get-tas", mixinStandardHelpOptions = true, description = "the trust anchors in force")
    int getTas() {
        return print(client().get("/control/get-tas"));
    }

    @Command(name = "set-loglevel", mixinStandardHelpOptions = true,
            description = "set the log level (error, warn, info, debug, trace) until a reload-config that changes "
                    + "loglevel (needs the api-key)")
    int setLoglevel(@Parameters(paramLabel = "LEVEL") String level) {
        return print(post("/control/set-loglevel?level=" + enc(level)));
    }

    @Command(name = "trace-regex", mixinStandardHelpOptions = true,
            description = {"trace every query whose name matches REGEX, step by step (cache lookups, every outgoing "
                    + "query and its answer, validation, the answer sent): to the log, and with FILE (- for standard "
                    + "output) into FILE for --seconds, after which tracing stops; without REGEX, stop tracing "
                    + "(needs the api-key)"})
    int traceRegex(@Parameters(paramLabel = "REGEX", arity = "0..1") String regex,
                   @Parameters(paramLabel = "FILE", arity = "0..1") Path file,
                   @Option(names = "--seconds", paramLabel = "N", defaultValue = "60",
                           description = "with FILE: how long to write the trace (default ${DEFAULT-VALUE}, at most 3600)")
                   int seconds) throws IOException {
        if (regex == null) {
            return print(post("/control/trace-regex"));
        }
        if (file == null) {
            return print(post("/control/trace-regex?regex=" + enc(regex)));
        }
        if (seconds < 1 || seconds > 3600) {
            throw new ParameterException(spec.commandLine().getSubcommands().get("trace-regex"),
                    "--seconds must be 1..3600");
        }
        ControlClient c = keyed();
        String path = "/control/trace-regex?regex=" + enc(regex) + "&follow=" + seconds;
        try {
            if (file.toString().equals("-")) {
                c.postStreaming(path, System.out);
            } else {
                try (OutputStream o = Files.newOutputStream(file)) {
                    c.postStreaming(path, o);
                }
                out().println("trace written to " + file);
            }
        } finally {
            c.post("/control/trace-regex"); // the trace was asked for this file: stop it
        }
        return 0;
    }

    @Command(name = "top-queries", mixinStandardHelpOptions = true,
            description = "the most frequent names (with their types) among the recent queries")
    int topQueries(@Parameters(paramLabel = "N", arity = "0..1", defaultValue = "20") int n) {
        return print(client().get("/control/top-queries?n=" + n));
    }

    @Command(name = "top-remotes", mixinStandardHelpOptions = true,
            description = "the clients that sent most of the recent queries")
    int topRemotes(@Parameters(paramLabel = "N", arity = "0..1", defaultValue = "20") int n) {
        return print(client().get("/control/top-remotes?n=" + n));
    }

    @Command(name = "top-servfail-queries", mixinStandardHelpOptions = true,
            description = "the most frequent names among the recent queries answered SERVFAIL")
    int topServfailQueries(@Parameters(paramLabel = "N", arity = "0..1", defaultValue = "20") int n) {
        return print(client().get("/control/top-servfail-queries?n=" + n));
    }

    @Command(name = "current-queries", mixinStandardHelpOptions = true,
            description = "the queries being resolved now, oldest first")
    int currentQueries() {
        return print(client().get("/control/current-queries"));
    }

    @Command(name = "quit-nicely", mixinStandardHelpOptions = true,
            description = "stop the recursor as SIGTERM does (needs the api-key)")
    int quitNicely() {
        return print(post("/control/quit-nicely"));
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

    private int print(String text) {
        out().print(text);
        out().flush();
        return 0;
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The recursor's web endpoint: webserver-address, and only that setting (see SettingsLoader.webserverAddress). */
    private static final ControlOptions.Target RECURSOR = new ControlOptions.Target("recursor", SettingsLoader.SCHEMA,
            SettingsLoader::webserverAddress, "webserver-address", "api-key", "webserver-password",
            "is the recursor running, with webserver = true and this webserver-address?");

    private ControlClient client() {
        return control.client(spec.commandLine(), config, RECURSOR);
    }

    /** The client, which must have the API key: state changes need it. */
    private ControlClient keyed() {
        return control.keyed(spec.commandLine(), config, RECURSOR);
    }

    private String post(String path) {
        return keyed().post(path);
    }
}
