package net.gate64.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.InetSocketAddress;
import java.util.function.Function;
import java.util.function.Supplier;
import net.gate64.common.HostPort;
import net.gate64.common.web.ControlClient;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;

/**
 * The options every {@code control} command takes (a picocli mixin, inherited by its verbs): where the program's
 * web endpoint is, and the two secrets. Each secret comes from the option, then its environment variable, then its
 * {@code -file} option, then the program's config file (unless stored hashed there, which cannot be sent).
 */
public final class ControlOptions {
    @Option(names = "--address", paramLabel = "HOST:PORT", scope = ScopeType.INHERIT,
            description = "the program's web endpoint (default: from the --config file)")
    public String address;

    @Option(names = "--api-key", paramLabel = "KEY", scope = ScopeType.INHERIT,
            description = "the api-key, for commands that change state (default: $GATE64_API_KEY, else "
                    + "--api-key-file, else the config file's api-key if not hashed)")
    String apiKey;

    @Option(names = "--api-key-file", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "read the api-key from FILE")
    Path apiKeyFile;

    @Option(names = "--password", paramLabel = "PW", scope = ScopeType.INHERIT,
            description = "the password for read-only commands (webserver-password, the gateway's http-password; "
                    + "default: $GATE64_WEBSERVER_PASSWORD, else --password-file, else the config file's, if not hashed)")
    String password;

    @Option(names = "--password-file", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "read the password from FILE")
    Path passwordFile;

    /**
     * The program a control command talks to: its name for messages ("recursor", "gateway"), its settings schema,
     * its endpoint read from the settings alone (so a file with a bad value elsewhere still names it; null when the
     * setting is empty), the setting that names the endpoint, its two secrets' settings, and the question "no server
     * at ADDRESS" ends with.
     */
    public record Target(String program, ConfigSchema schema, Function<ConfigReader, InetSocketAddress> endpoint,
                         String endpointSetting, String keySetting, String passwordSetting, String notRunningHint) {}

    private ConfigReader settings;
    private ControlClient client;

    /**
     * The program's settings, read once: when a --config file is given or the address must come from them; else
     * null (an {@code --address} alone needs no file).
     */
    public ConfigReader settings(ConfigOptions config, Target target) {
        if (settings == null && (config.file() != null || address == null)) {
            settings = config.load(target.schema());
        }
        return settings;
    }

    /** The client for {@code --address}, else for the settings' endpoint; made once. */
    public ControlClient client(CommandLine cl, ConfigOptions config, Target target) {
        if (client == null) {
            String where = address(cl); // checked HOST:PORT, or null
            if (where == null) {
                InetSocketAddress a = target.endpoint().apply(settings(config, target));
                if (a == null) {
                    throw new ParameterException(cl, target.endpointSetting() + " is empty in this configuration: the "
                            + target.program() + " has no HTTP endpoint to talk to (give --address if it runs with "
                            + "another)");
                }
                where = HostPort.format(a);
            }
            Supplier<ConfigReader> file = () -> settings(config, target);
            try {
                client = new ControlClient(where, apiKey(file, target.keySetting()),
                        password(file, target.passwordSetting()), target.notRunningHint());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return client;
    }

    /** The client, which must have the API key: state changes need it (else a usage error saying how to give it). */
    public ControlClient keyed(CommandLine cl, ConfigOptions config, Target target) {
        ControlClient c = client(cl, config, target);
        if (!c.hasKey()) {
            throw new ParameterException(cl, "this command changes state and needs the " + target.program() + "'s "
                    + "api-key: give --api-key=KEY, --api-key-file=FILE or GATE64_API_KEY (a hashed api-key in the "
                    + "config file cannot be sent)");
        }
        return c;
    }

    private static final java.util.regex.Pattern HOST_PORT =
            java.util.regex.Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9][A-Za-z0-9.-]*):([0-9]{1,5})");

    /**
     * {@code --address} as given, or null when it was not: HOST:PORT (a name, an IPv4 address or a bracketed IPv6
     * one, and a port 1..65535), else a usage error naming the option.
     */
    public String address(CommandLine cl) {
        if (address == null) {
            return null;
        }
        java.util.regex.Matcher m = HOST_PORT.matcher(address);
        if (!m.matches() || Integer.parseInt(m.group(2)) < 1 || Integer.parseInt(m.group(2)) > 65535) {
            throw new ParameterException(cl, "--address: '" + address + "' is not HOST:PORT with a port 1..65535 "
                    + "(e.g. 127.0.0.1:8082 or [::1]:8082)");
        }
        return address;
    }

    /** The plain API key, or null. {@code settings} reads the config file when needed (may return null). */
    public String apiKey(Supplier<ConfigReader> settings, String setting) throws IOException {
        return secret(apiKey, "GATE64_API_KEY", apiKeyFile, settings, setting);
    }

    /** The plain read password, or null. */
    public String password(Supplier<ConfigReader> settings, String setting) throws IOException {
        return secret(password, "GATE64_WEBSERVER_PASSWORD", passwordFile, settings, setting);
    }

    private static String secret(String given, String env, Path file, Supplier<ConfigReader> settings, String setting)
            throws IOException {
        String v = given;
        if (v == null) {
            v = System.getenv(env);
        }
        if ((v == null || v.isEmpty()) && file != null) {
            v = Files.readString(file, StandardCharsets.UTF_8).strip();
        }
        if (v == null || v.isEmpty()) {
            ConfigReader c = settings.get();
            if (c != null) {
                String fromConfig = c.string(setting);
                v = fromConfig.startsWith("$") ? null : fromConfig;
            }
        }
        return v == null || v.isEmpty() ? null : v;
    }
}
