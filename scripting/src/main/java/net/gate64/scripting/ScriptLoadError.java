package net.gate64.scripting;

/** A script that cannot be used: unreadable, a syntax error, or an error while its top level ran. Names file:line. */
public final class ScriptLoadError extends RuntimeException {
    public ScriptLoadError(String message) {
        super(message, null, false, false);
    }
}
