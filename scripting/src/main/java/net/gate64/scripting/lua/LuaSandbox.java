package net.gate64.scripting.lua;

import java.util.Set;
import net.gate64.scripting.ScriptSandbox;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.ResourceFinder;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Cuts a Lua state's standard library down to what hook scripts need (PowerDNS scripts use {@code os.time},
 * {@code os.date}, {@code os.getenv}, string and table functions, and read files such as block lists at load):
 * <ul>
 *   <li>{@code os}: only {@code time}, {@code date}, {@code clock}, {@code difftime}, {@code getenv} — no
 *       {@code execute}, {@code exit}, {@code remove}, {@code rename}, {@code tmpname}, {@code setlocale};</li>
 *   <li>{@code io}: only {@code open} for reading, {@code lines} of a named file, {@code close} of a given file and
 *       {@code type}, each file checked against the sandbox's read allow-list — no {@code popen}, writing modes,
 *       {@code write}/{@code read}/{@code input}/{@code output} on the standard streams, {@code tmpfile};</li>
 *   <li>{@code dofile}, {@code loadfile} and {@code require}'s file search: allow-listed files only; {@code require}
 *       cannot instantiate Java classes (LuaJ's Java searcher is removed), so {@code luajava} stays out of reach;</li>
 *   <li>{@code load}: source text only (no precompiled chunks);</li>
 *   <li>{@code debug}: not visible to the script (the time budget keeps using it internally).</li>
 * </ul>
 * Called once per Lua state, after the libraries are loaded and before the script runs.
 */
final class LuaSandbox {
    private static final Set<String> OS_KEPT = Set.of("time", "date", "clock", "difftime", "getenv");

    private LuaSandbox() {}

    /** {@code os.exit} is removed even from an open state: a script must never stop the server. */
    static void always(Globals g) {
        LuaTable os = (LuaTable) g.get("os");
        os.set("exit", LuaValue.NIL);
    }

    static void apply(Globals g, ScriptSandbox sandbox) {
        always(g);
        if (!sandbox.enabled()) {
            return;
        }
        LuaTable loaded = (LuaTable) g.get("package").get("loaded");
        LuaTable os = (LuaTable) g.get("os");
        for (LuaValue key : os.keys()) {
            if (!OS_KEPT.contains(key.tojstring())) {
                os.set(key, LuaValue.NIL);
            }
        }
        LuaTable io = restrictedIo((LuaTable) g.get("io"), sandbox);
        g.set("io", io);
        loaded.set("io", io);
        g.set("debug", LuaValue.NIL);
        loaded.set("debug", LuaValue.NIL);
        ResourceFinder files = g.finder;
        g.finder = name -> sandbox.mayRead(name) ? files.findResource(name) : null;
        g.set("dofile", checkedFileArgument(g.get("dofile"), sandbox, "dofile"));
        g.set("loadfile", checkedFileArgument(g.get("loadfile"), sandbox, "loadfile"));
        LuaValue load = g.get("load");
        g.set("load", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                // load(chunk, chunkname, mode, env): the mode is forced to text
                return load.invoke(LuaValue.varargsOf(new LuaValue[] {args.arg(1), args.arg(2), LuaValue.valueOf("t"),
                    args.arg(4)}, 0, args.narg() >= 4 ? 4 : 3));
            }
        });
        LuaTable searchers = (LuaTable) g.get("package").get("searchers");
        // LuaJ's searchers: 1 preload, 2 Lua files on package.path (through the checked finder), 3 Java classes
        for (int i = searchers.length(); i >= 3; i--) {
            searchers.set(i, LuaValue.NIL);
        }
        g.get("package").set("loadlib", LuaValue.NIL);
    }

    private static LuaTable restrictedIo(LuaTable full, ScriptSandbox sandbox) {
        LuaValue open = full.get("open");
        LuaValue lines = full.get("lines");
        LuaValue close = full.get("close");
        LuaTable io = new LuaTable();
        io.set("type", full.get("type"));
        io.set("open", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                String file = args.checkjstring(1);
                String mode = args.optjstring(2, "r");
                if (!mode.equals("r") && !mode.equals("rb")) {
                    return LuaValue.varargsOf(LuaValue.NIL,
                            LuaValue.valueOf(file + ": mode '" + mode + "' refused: a sandboxed script may only read"));
                }
                if (!sandbox.mayRead(file)) {
                    return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(sandbox.refusal(file)));
                }
                return open.invoke(args);
            }
        });
        io.set("lines", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                String file = args.checkjstring(1); // io.lines() without a file would read the server's stdin
                if (!sandbox.mayRead(file)) {
                    throw new org.luaj.vm2.LuaError(sandbox.refusal(file));
                }
                return lines.invoke(args);
            }
        });
        io.set("close", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                if (args.arg1().isnil()) { // io.close() without a file would close the server's stdout
                    throw new org.luaj.vm2.LuaError("io.close needs a file in a sandboxed script");
                }
                return close.invoke(args);
            }
        });
        return io;
    }

    private static LuaValue checkedFileArgument(LuaValue f, ScriptSandbox sandbox, String what) {
        return new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                String file = args.checkjstring(1); // without a file these read the server's stdin
                if (!sandbox.mayRead(file)) {
                    throw new org.luaj.vm2.LuaError(what + ": " + sandbox.refusal(file));
                }
                return f.invoke(args);
            }
        };
    }
}
