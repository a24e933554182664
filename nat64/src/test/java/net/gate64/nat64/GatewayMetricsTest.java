package net.gate64.nat64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.gate64.nat64.config.SettingsLoader;
import org.junit.jupiter.api.Test;

/** The gateway's /metrics before any packet: every family there, typed counter exactly when it ends in _total. */
class GatewayMetricsTest {
    @Test
    void familiesAreThereFromTheStartWithTheRightTypes() {
        Nat64Service service = new Nat64Service(SettingsLoader.load(Path.of("../conf/nat64.conf"), List.of()),
                System::nanoTime);
        String text = GatewayMetrics.render(service);
        Matcher m = Pattern.compile("^# TYPE (\\S+) (\\S+)$", Pattern.MULTILINE).matcher(text);
        List<String> wrong = new ArrayList<>();
        int families = 0;
        while (m.find()) {
            families++;
            if (m.group(1).endsWith("_total") != m.group(2).equals("counter")) {
                wrong.add(m.group(1) + " is a " + m.group(2));
            }
        }
        assertEquals(List.of(), wrong, "families ending in _total must be counters, and only they");
        assertTrue(families > 10, text);
        assertTrue(text.contains("gate64_nat64_dropped_total{reason=\"non_global_ipv4\"} 0"), text);
    }
}
