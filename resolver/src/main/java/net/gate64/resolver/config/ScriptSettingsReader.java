package net.gate64.resolver.config;

import java.nio.file.Files;
import java.nio.file.Path;
import net.gate64.config.ConfigReader;
import net.gate64.resolver.script.ScriptSettings;
import net.gate64.scripting.ScriptSandbox;

/**
 * Reads {@code lua-dns-script}, {@code lua-hook-timeout-msec} and the sandbox settings; a script file that is not there
 * refuses to start.
 */
final class ScriptSettingsReader {
    private ScriptSettingsReader() {}

    static ScriptSettings read(ConfigReader c) {
        String file = c.string("lua-dns-script").trim();
        Path path = file.isEmpty() ? null : Path.of(file);
        if (path != null && !Files.exists(path)) {
            throw c.invalid("lua-dns-script", "file not found: " + path
                    + (path.isAbsolute() ? "" : " (relative to " + Path.of("").toAbsolutePath() + ")"));
        }
        if (path != null && !Files.isRegularFile(path)) {
            throw c.invalid("lua-dns-script", path + " is not a regular file");
        }
        ScriptSandbox sandbox = new ScriptSandbox(c.bool("script-sandbox"), c.list("script-read-allow", Path::of));
        return new ScriptSettings(path, c.millis("lua-hook-timeout-msec", 1, 60_000), sandbox);
    }
}
