package net.gate64.resolver.script;

import java.util.concurrent.atomic.LongAdder;
import net.gate64.resolver.stats.Metrics;
import net.gate64.scripting.Hook;
import net.gate64.scripting.ScriptEvents;

/** The scripts' counters: errors and timeouts by hook, reloads by result, follow-ups by function. */
final class ScriptMetrics implements ScriptEvents {
    private static final String ERRORS = "Hook calls that raised an error, by hook (the query continued as if not handled)";
    private static final String TIMEOUTS = "Hook calls stopped after lua-hook-timeout-msec, by hook";

    private final Metrics metrics;
    private final LongAdder[] errors = new LongAdder[Hook.values().length];
    private final LongAdder[] timeouts = new LongAdder[Hook.values().length];

    ScriptMetrics(Metrics metrics) {
        this.metrics = metrics;
        for (Hook h : Hook.values()) {
            errors[h.ordinal()] = metrics.counter("gate64_script_errors_total", ERRORS, "hook", h.function());
            timeouts[h.ordinal()] = metrics.counter("gate64_script_timeouts_total", TIMEOUTS, "hook", h.function());
        }
        declare();
    }

    @Override
    public void error(Hook hook, String message) {
        errors[hook.ordinal()].increment();
    }

    @Override
    public void timeout(Hook hook, String message) {
        timeouts[hook.ordinal()].increment();
    }

    /** A problem in what a hook handed back (bad rcode, unparsable record, bad follow-up prefix): an error of that hook. */
    void badResult(Hook hook) {
        errors[hook.ordinal()].increment();
    }

    void followUp(String function) {
        metrics.counter("gate64_script_followups_total", "Follow-up functions run for scripts, by function",
                "function", function).increment();
    }

    /** Makes the follow-up and reload families known from the start, each reload result at 0. */
    private void declare() {
        metrics.declare("gate64_script_followups_total", "Follow-up functions run for scripts, by function", "counter");
        metrics.counter("gate64_script_reloads_total", "Script reloads, by result", "result", "ok");
        metrics.counter("gate64_script_reloads_total", "Script reloads, by result", "result", "failed");
    }

    void reload(boolean ok) {
        metrics.counter("gate64_script_reloads_total", "Script reloads, by result", "result", ok ? "ok" : "failed").increment();
    }
}
