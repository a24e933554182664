package net.gate64.scripting.lua;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import net.gate64.scripting.DnsQuestion;
import net.gate64.scripting.EngineInstance;
import net.gate64.scripting.Hook;
import net.gate64.scripting.HookFailure;
import net.gate64.scripting.ScriptLoadError;
import net.gate64.scripting.ScriptSandbox;
import net.gate64.scripting.api.ComboAddress;
import net.gate64.scripting.api.DNSHeader;
import net.gate64.scripting.api.DNSName;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.Bit32Lib;
import org.luaj.vm2.lib.CoroutineLib;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.jse.JseBaseLib;
import org.luaj.vm2.lib.jse.JseIoLib;
import org.luaj.vm2.lib.jse.JseMathLib;
import org.luaj.vm2.lib.jse.JseOsLib;

/**
 * One Lua state (LuaJ, Lua 5.2 on the JVM) with the script loaded. Scripts written for PowerDNS's Lua 5.1/LuaJIT get
 * the usual 5.1 names ({@code unpack}, {@code loadstring}, {@code table.getn}, {@code math.pow}, {@code math.mod}).
 * The standard library is cut down by {@link LuaSandbox} (no processes, no writes, reads only from the allow-list)
 * unless the sandbox is open; {@code os.exit} is removed either way.
 */
public final class LuaInstance implements EngineInstance {
    private static final long LOAD_BUDGET_NANOS = 10_000_000_000L; // the top level may read files, build tables
    private static final String COMPAT = """
            unpack = unpack or table.unpack
            loadstring = loadstring or load
            table.getn = table.getn or function(t) return #t end
            math.pow = math.pow or function(a, b) return a ^ b end
            math.mod = math.mod or math.fmod
            """;

    private final String name;
    private final BudgetDebugLib budget = new BudgetDebugLib();
    private final LuaBindings bindings;
    private final Map<Hook, LuaValue> hooks = new EnumMap<>(Hook.class);
    private final LuaTable emptyOptions = new LuaTable(); // gettag's ednsoptions: always empty, one per state

    public LuaInstance(String name, String source) {
        this(name, source, ScriptSandbox.STRICT);
    }

    public LuaInstance(String name, String source, ScriptSandbox sandbox) {
        this.name = name;
        Globals g = new Globals();
        g.load(new JseBaseLib());
        g.load(new PackageLib());
        g.load(new Bit32Lib());
        g.load(new TableLib());
        g.load(new StringLib());
        g.load(new CoroutineLib());
        g.load(new JseMathLib());
        g.load(new JseIoLib());
        g.load(new JseOsLib());
        g.load(budget);
        LoadState.install(g);
        LuaC.install(g);
        LuaSandbox.apply(g, sandbox);
        bindings = new LuaBindings(g);
        budget.arm(System.nanoTime() + LOAD_BUDGET_NANOS);
        try {
            g.load(COMPAT, "=compat").call();
            LuaValue chunk = g.load(source, "@" + name);
            chunk.call();
        } catch (LuaError e) {
            throw new ScriptLoadError(withFile(e.getMessage()));
        } catch (BudgetDebugLib.Exceeded e) {
            throw new ScriptLoadError(name + ": the script's top level ran longer than 10 s");
        } catch (StackOverflowError e) {
            throw new ScriptLoadError(name + ": stack overflow while running the script's top level");
        } finally {
            budget.disarm();
        }
        for (Hook h : Hook.values()) {
            LuaValue f = g.get(h.function());
            if (f.isfunction()) {
                hooks.put(h, f);
            }
        }
    }

    /**
     * "file:line: message" from LuaJ's forms ("@file:24 message", then a stack traceback when the debug library is
     * loaded; "file:4: message" for syntax errors).
     */
    private String withFile(String message) {
        String m = message == null ? "unknown error" : message;
        int nl = m.indexOf('\n');
        if (nl >= 0) {
            m = m.substring(0, nl);
        }
        if (m.startsWith("@")) {
            m = m.substring(1);
        }
        if (m.startsWith(name + ":")) {
            java.util.regex.Matcher line = java.util.regex.Pattern.compile("^:(\\d+):? ").matcher(m.substring(name.length()));
            if (line.find()) {
                return name + ":" + line.group(1) + ": " + m.substring(name.length() + line.end());
            }
            return m;
        }
        return name + ": " + m;
    }

    @Override
    public Set<Hook> definedHooks() {
        return hooks.isEmpty() ? EnumSet.noneOf(Hook.class) : EnumSet.copyOf(hooks.keySet());
    }

    @Override
    public boolean call(Hook hook, DnsQuestion dq, long deadlineNanos) throws HookFailure {
        return run(hooks.get(hook), deadlineNanos, bindings.wrap(dq), LuaValue.NIL, LuaValue.NIL);
    }

    @Override
    public boolean ipfilter(ComboAddress remote, ComboAddress local, DNSHeader dh, long deadlineNanos) throws HookFailure {
        return run(hooks.get(Hook.IPFILTER), deadlineNanos, bindings.wrap(remote), bindings.wrap(local), bindings.wrap(dh));
    }

    @Override
    public int gettag(ComboAddress remote, ComboAddress local, DNSName qname, int qtype, boolean tcp, long deadlineNanos)
            throws HookFailure {
        LuaValue f = hooks.get(Hook.GETTAG);
        if (f == null) {
            return 0;
        }
        LuaValue[] args = {bindings.wrap(remote), LuaValue.NIL, bindings.wrap(local), bindings.wrap(qname),
            LuaValue.valueOf(qtype), emptyOptions, LuaValue.valueOf(tcp)};
        LuaValue tag = invoke(f, deadlineNanos, LuaValue.varargsOf(args));
        return tag.isnumber() ? tag.toint() : 0;
    }

    private boolean run(LuaValue f, long deadlineNanos, LuaValue a, LuaValue b, LuaValue c) throws HookFailure {
        if (f == null) {
            return false;
        }
        return invoke(f, deadlineNanos, LuaValue.varargsOf(a, b, c)).toboolean();
    }

    /** Calls {@code f} within the budget; returns its first result. */
    private LuaValue invoke(LuaValue f, long deadlineNanos, org.luaj.vm2.Varargs args) throws HookFailure {
        budget.arm(deadlineNanos);
        try {
            return f.invoke(args).arg1();
        } catch (LuaError e) {
            throw new HookFailure(HookFailure.Kind.ERROR, withFile(e.getMessage()), false);
        } catch (BudgetDebugLib.Exceeded e) {
            throw new HookFailure(HookFailure.Kind.TIMEOUT, name + ": stopped after the hook time budget", true);
        } catch (StackOverflowError e) {
            throw new HookFailure(HookFailure.Kind.ERROR, name + ": stack overflow (runaway recursion?)", true);
        } finally {
            budget.disarm();
        }
    }

    @Override
    public void close() {
        hooks.clear(); // a Lua state holds nothing outside the heap
    }
}
