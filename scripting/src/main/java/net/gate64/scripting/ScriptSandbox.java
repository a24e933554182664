package net.gate64.scripting;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * What a hook script may do outside the DNS API. Sandboxed (the default): no process execution, no file writes, no
 * deletes or renames, no Java class access, and file reads only below the directories (or of the files) in
 * {@code readable}, compared after resolving symbolic links and {@code ..}. Open ({@link #OPEN}, the operator's
 * deliberate choice with {@code script-sandbox = false}): the engines' full standard libraries, as PowerDNS gives
 * its Lua scripts; even then Lua's {@code os.exit} stays removed and JavaScript sees only the exported Java API.
 *
 * @param enabled  false = open
 * @param readable files and directories a sandboxed script may read (its {@code io.open}, {@code io.lines},
 *                 {@code dofile}, {@code loadfile}, {@code require}; JavaScript's {@code load})
 */
public record ScriptSandbox(boolean enabled, List<Path> readable) {
    /** Sandboxed, reading nothing. */
    public static final ScriptSandbox STRICT = new ScriptSandbox(true, List.of());
    /** Not sandboxed. */
    public static final ScriptSandbox OPEN = new ScriptSandbox(false, List.of());

    public ScriptSandbox {
        readable = readable.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    }

    /** Whether a sandboxed script may read {@code file} (always true when open). */
    public boolean mayRead(String file) {
        if (!enabled) {
            return true;
        }
        if (file == null || readable.isEmpty()) {
            return false;
        }
        try {
            return mayRead(Path.of(file));
        } catch (InvalidPathException e) {
            return false;
        }
    }

    /** The same for a path; a file that does not exist is not readable. */
    public boolean mayRead(Path file) {
        if (!enabled) {
            return true;
        }
        Path real;
        try {
            real = file.toAbsolutePath().toRealPath(); // follows links: a link inside pointing outside is refused
        } catch (IOException | SecurityException e) {
            return false;
        }
        for (Path allowed : readable) {
            Path root = realOrSelf(allowed);
            if (real.equals(root) || (Files.isDirectory(root) && real.startsWith(root))) {
                return true;
            }
        }
        return false;
    }

    private static Path realOrSelf(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException | SecurityException e) {
            return p;
        }
    }

    /** The reason given to a script whose read was refused. */
    public String refusal(String file) {
        return file + ": not readable by a sandboxed script (allowed: "
                + (readable.isEmpty() ? "nothing" : readable.toString()) + "; see script-read-allow)";
    }
}
