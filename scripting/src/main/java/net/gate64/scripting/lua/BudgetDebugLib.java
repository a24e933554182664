package net.gate64.scripting.lua;

import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.DebugLib;

/**
 * LuaJ's debug library with a time budget: LuaJ calls {@link #onInstruction} for every VM instruction when a debug
 * library is installed, so every 1024 instructions the clock is compared with the current deadline. Exceeding it
 * throws {@link Exceeded}, a Java Error, which {@code pcall} cannot catch (it catches LuaError and Exception only), so
 * a script cannot swallow its own timeout. The price: {@code debug.sethook} count/line hooks do not fire.
 */
final class BudgetDebugLib extends DebugLib {
    /** Thrown inside the Lua VM when the budget is spent; stackless, shared. */
    static final class Exceeded extends Error {
        static final Exceeded INSTANCE = new Exceeded();

        private Exceeded() {
            super("hook exceeded its time budget", null, false, false);
        }
    }

    private long deadline; // System.nanoTime(); 0 = unlimited
    private int count;

    void arm(long deadlineNanos) {
        deadline = deadlineNanos;
        count = 0;
    }

    void disarm() {
        deadline = 0;
    }

    @Override
    public void onInstruction(int pc, Varargs v, int top) {
        if ((++count & 1023) == 0 && deadline != 0 && System.nanoTime() - deadline > 0) {
            throw Exceeded.INSTANCE;
        }
    }
}
