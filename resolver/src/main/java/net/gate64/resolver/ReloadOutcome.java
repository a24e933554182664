package net.gate64.resolver;

import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Name;

/**
 * What a reload did, for the operator: the settings that took effect, those that need a restart (they run as they
 * were), what the caches lost, and the hook script now in service.
 */
public record ReloadOutcome(String source, SettingsChange change, String script) {
    /** The settings that took effect. */
    public List<String> applied() {
        return change.applied();
    }

    /** The settings that differ in the file but run as before until a restart. */
    public List<String> needRestart() {
        return change.needRestart();
    }

    /** One line, for systemd's status and the log: what changed, what needs a restart, the script. */
    public String summary() {
        List<String> applied = applied();
        return "reloaded " + source + ": " + (applied.isEmpty() ? "no live setting changed" : "changed " + String.join(", ", applied))
                + (needRestart().isEmpty() ? "" : "; needs a restart: " + String.join(", ", needRestart()))
                + (script == null ? "" : "; hook script " + script);
    }

    /** A few lines: what changed, what needs a restart, what was wiped, the script. */
    public String text() {
        List<String> lines = new ArrayList<>();
        List<String> applied = applied();
        lines.add("reloaded " + source + ": " + (applied.isEmpty() ? "no live setting changed"
                : "changed " + String.join(", ", applied)));
        if (!needRestart().isEmpty()) {
            lines.add("needs a restart to take effect (running as before until then): " + String.join(", ", needRestart()));
        }
        List<String> wiped = new ArrayList<>();
        if (change.wipeAll()) {
            wiped.add("every record and negative cache entry");
        }
        change.subtrees().stream().map(Name::toString).sorted().forEach(z -> wiped.add(z + " and below"));
        if (change.allVerdicts() && !change.wipeAll()) {
            wiped.add("every validation verdict");
        } else if (!change.verdictSubtrees().isEmpty()) {
            List<String> z = change.verdictSubtrees().stream().filter(n -> !change.subtrees().contains(n))
                    .map(Name::toString).sorted().toList();
            if (!z.isEmpty()) {
                wiped.add("validation verdicts for " + String.join(", ", z) + " and below");
            }
        }
        if (change.packetCache()) {
            wiped.add("the packet cache");
        }
        lines.add("caches kept" + (wiped.isEmpty() ? "" : ", except " + String.join("; ", wiped)));
        if (script != null) {
            lines.add("hook script: " + script);
        }
        return String.join("\n", lines);
    }
}
