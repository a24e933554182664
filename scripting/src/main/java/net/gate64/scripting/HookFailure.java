package net.gate64.scripting;

/**
 * A hook call that did not return normally. {@code where} is "file:line" when known. A timed-out instance may be in
 * any state, so it is thrown away ({@link #discardInstance}).
 */
public final class HookFailure extends Exception {
    public enum Kind { ERROR, TIMEOUT }

    private final Kind kind;
    private final boolean discardInstance;

    public HookFailure(Kind kind, String message, boolean discardInstance) {
        super(message, null, false, false);
        this.kind = kind;
        this.discardInstance = discardInstance;
    }

    public Kind kind() {
        return kind;
    }

    public boolean discardInstance() {
        return discardInstance;
    }
}
