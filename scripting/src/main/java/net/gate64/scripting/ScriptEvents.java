package net.gate64.scripting;

/** Where a script's failures are counted (the resolver's metrics); logging happens in the scripting module. */
public interface ScriptEvents {
    ScriptEvents NONE = new ScriptEvents() {
        @Override
        public void error(Hook hook, String message) {}

        @Override
        public void timeout(Hook hook, String message) {}
    };

    /** A hook raised an error; {@code message} starts with file:line (it is also logged, rate-limited). */
    void error(Hook hook, String message);

    /** A hook ran past its time budget and was stopped. */
    void timeout(Hook hook, String message);
}
