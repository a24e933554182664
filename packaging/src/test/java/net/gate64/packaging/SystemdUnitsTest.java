package net.gate64.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.gate64.testing.Requires;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * contrib/systemd/*.service checked by {@code systemd-analyze verify} in a scratch root laid out like an installed
 * system (the host's unit directory, the commands the units run), so the check needs no installed package; and
 * {@code systemd-analyze security --offline} scores, written to target/systemd-security.txt. verify only warns about
 * an unknown key (exit 0), so any output at all fails the test.
 */
@Requires(what = "the systemd unit checks", tools = {"systemd-analyze"})
class SystemdUnitsTest {
    static final List<String> UNITS = List.of("gate64-recursor.service", "gate64-nat64.service");

    @TempDir
    static Path root;

    @BeforeAll
    static void layOutRoot() throws IOException {
        Path units = Path.of("/usr/lib/systemd/system");
        assertTrue(Files.isDirectory(units), "systemd-analyze is installed but /usr/lib/systemd/system is not there");
        Path into = Files.createDirectories(root.resolve("usr/lib/systemd/system"));
        try (Stream<Path> s = Files.list(units)) {
            for (Path u : s.filter(Files::isRegularFile).toList()) {
                Files.copy(u, into.resolve(u.getFileName().toString()));
            }
        }
        // The programs the units start, as the package installs them (their content does not matter to verify).
        for (String cmd : List.of("usr/bin/gate64", "bin/kill", "usr/sbin/sysctl")) {
            Path f = root.resolve(cmd);
            Files.createDirectories(f.getParent());
            Files.writeString(f, "#!/bin/sh\n");
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path etc = Files.createDirectories(root.resolve("etc/systemd/system"));
        for (String u : UNITS) {
            Files.copy(Cmd.repoDir().resolve("contrib/systemd").resolve(u), etc.resolve(u), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    void unitsVerifyWithoutAWord() throws IOException {
        List<String> cmd = new ArrayList<>(List.of("systemd-analyze", "verify", "--root=" + root));
        for (String u : UNITS) {
            cmd.add("/etc/systemd/system/" + u);
        }
        Cmd.Result r = Cmd.run(60, null, cmd);
        assertEquals(0, r.code(), r.out());
        assertEquals("", r.out().strip(), "systemd-analyze verify complained");
    }

    @Test
    void securityExposureIsLowAndRecorded() throws IOException {
        StringBuilder report = new StringBuilder();
        Pattern overall = Pattern.compile("Overall exposure level for (\\S+): ([0-9.]+) (\\S+)");
        for (String u : UNITS) {
            Cmd.Result r = Cmd.run(60, "systemd-analyze", "security", "--offline=yes", "--root=" + root, u);
            Matcher m = overall.matcher(r.out());
            assertTrue(m.find(), r.out());
            double score = Double.parseDouble(m.group(2));
            report.append(u).append(' ').append(m.group(2)).append(' ').append(m.group(3)).append('\n');
            System.out.println("systemd-analyze security " + u + ": " + m.group(2) + " " + m.group(3));
            // 0 = fully sandboxed, 10 = fully exposed; "OK" ends at 3.9 (systemd's scale). The services need the
            // network and the JIT (writable executable memory), which bounds how low they can go.
            assertTrue(score <= 2.5, u + " exposure " + score + ":\n" + r.out());
        }
        Files.writeString(Cmd.moduleDir().resolve("target/systemd-security.txt"), report);
    }
}
