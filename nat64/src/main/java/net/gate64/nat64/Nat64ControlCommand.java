package net.gate64.nat64;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import net.gate64.common.web.ControlClient;
import net.gate64.config.ConfigOptions;
import net.gate64.config.ControlOptions;
import net.gate64.nat64.config.SettingsLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gate64 nat64 control [--config FILE | --address=HOST:PORT] COMMAND}: talks to a running gateway over its
 * HTTP endpoint (http-address of the same config file, or {@code --address}), as {@code gate64 control} does with the
 * recursor and with the same secrets: state changes send the api-key ({@code --api-key}, {@code GATE64_API_KEY},
 * {@code --api-key-file}, the config's plain {@code api-key}), reads the http-password when there is one.
 */
@Command(name = "control", mixinStandardHelpOptions = true, versionProvider = Nat64Main.Version.class,
        synopsisSubcommandLabel = "COMMAND",
        description = "Talks to a running gateway over its HTTP endpoint (http-address from the --config file, or "
                + "--address).",
        footer = {"", "Filters (sessions, bib): words that must all match: tcp, udp, icmp, static, dynamic, an IPv6 or "
                + "IPv4 address or prefix.", "Examples:", "  gate64 nat64 control --config conf/nat64.conf stats",
            "  gate64 nat64 control sessions tcp 2001:db8::/64",
            "  gate64 nat64 control --api-key-file=key.txt bib-add tcp '[2001:db8::5]:80' 192.0.2.1:8080",
            "  gate64 nat64 control --config conf/nat64.conf reload-config"})
final class Nat64ControlCommand implements Callable<Integer> {
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

    @Command(name = "ping", mixinStandardHelpOptions = true, description = "check that the gateway answers (/health)")
    int ping() {
        client().get("/health");
        return print("pong\n");
    }

    @Command(name = "stats", mixinStandardHelpOptions = true,
            description = "every counter and gauge (packets, drops by reason, sessions, bindings, reloads), one "
                    + "\"name value\" per line")
    int stats() {
        StringBuilder sb = new StringBuilder();
        for (String line : client().get("/metrics").split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                sb.append(line).append('\n');
            }
        }
        return print(sb.toString());
    }

    @Command(name = "metrics", mixinStandardHelpOptions = true, description = "every metric in Prometheus text format")
    int metrics() {
        return print(client().get("/metrics"));
    }

    @Command(name = "sessions", mixinStandardHelpOptions = true,
            description = "the sessions, soonest to expire first, with their TCP state and seconds left")
    int sessions(@Parameters(paramLabel = "FILTER", arity = "0..*") List<String> filter,
                 @Option(names = "--limit", paramLabel = "N", defaultValue = "10000",
                         description = "at most N lines (default ${DEFAULT-VALUE})") int limit) {
        return print(client().get("/sessions?limit=" + limit + filter(filter)));
    }

    @Command(name = "bib", mixinStandardHelpOptions = true,
            description = "the bindings (BIB): IPv6 transport address <-> pool4 transport address, static or dynamic")
    int bib(@Parameters(paramLabel = "FILTER", arity = "0..*") List<String> filter,
            @Option(names = "--limit", paramLabel = "N", defaultValue = "10000",
                    description = "at most N lines (default ${DEFAULT-VALUE})") int limit) {
        return print(client().get("/bib?limit=" + limit + filter(filter)));
    }

    @Command(name = "bib-add", mixinStandardHelpOptions = true,
            description = "add a static binding, as one entry of the bib setting, until bib-remove or a restart "
                    + "(reloads keep it unless pool4 no longer holds its address) (needs the api-key)")
    int bibAdd(@Parameters(paramLabel = "PROTO", description = "tcp, udp or icmp") String protocol,
               @Parameters(paramLabel = "IPV6", description = "[address]:port (the ICMP identifier for icmp)") String ipv6,
               @Parameters(paramLabel = "IPV4", description = "address:port inside pool4") String ipv4) {
        return print(post("/control/bib-add?protocol=" + enc(protocol) + "&ipv6=" + enc(ipv6) + "&ipv4=" + enc(ipv4)));
    }

    @Command(name = "bib-remove", mixinStandardHelpOptions = true,
            description = "make a static binding dynamic again: it goes with its last session, or now when it has "
                    + "none (needs the api-key)")
    int bibRemove(@Parameters(paramLabel = "PROTO", description = "tcp, udp or icmp") String protocol,
                  @Parameters(paramLabel = "IPV6", description = "[address]:port") String ipv6) {
        return print(post("/control/bib-remove?protocol=" + enc(protocol) + "&ipv6=" + enc(ipv6)));
    }

    @Command(name = "flush", mixinStandardHelpOptions = true,
            description = "end every session and the dynamic bindings they held; static bindings stay (needs the "
                    + "api-key)")
    int flush() {
        return print(post("/control/flush"));
    }

    @Command(name = "reload-config", mixinStandardHelpOptions = true,
            description = {"read the gateway's config file again (with its command line's -D overrides), as SIGHUP "
                    + "does, and put what can change live in service (pool4, eam, static bib, limits, timeouts, "
                    + "translator settings) keeping every session that stays valid; a bad file is refused with the "
                    + "key and position and the running settings stay. Prints what changed and what needs a restart "
                    + "(needs the api-key)"})
    int reloadConfig() {
        return print(post("/control/reload-config"));
    }

    private int print(String text) {
        PrintWriter out = spec.commandLine().getOut();
        out.print(text);
        out.flush();
        return 0;
    }

    private static String filter(List<String> words) {
        return words == null || words.isEmpty() ? "" : "&filter=" + enc(String.join(" ", words));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The gateway's HTTP endpoint: http-address, and only that setting (see SettingsLoader.httpAddress). */
    private static final ControlOptions.Target GATEWAY = new ControlOptions.Target("gateway", SettingsLoader.SCHEMA,
            SettingsLoader::httpAddress, "http-address", "api-key", "http-password",
            "is the gateway running, with this http-address?");

    private ControlClient client() {
        return control.client(spec.commandLine(), config, GATEWAY);
    }

    private String post(String path) {
        return control.keyed(spec.commandLine(), config, GATEWAY).post(path);
    }
}
