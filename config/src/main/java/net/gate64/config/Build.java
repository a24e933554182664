package net.gate64.config;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version both programs report (--version, the start-up summary), from the build. */
public final class Build {
    private static final String VERSION = read();

    private Build() {}

    public static String version() {
        return VERSION;
    }

    private static String read() {
        try (InputStream in = Build.class.getResourceAsStream("build.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
