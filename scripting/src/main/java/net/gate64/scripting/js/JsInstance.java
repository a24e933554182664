package net.gate64.scripting.js;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import net.gate64.scripting.DnsQuestion;
import net.gate64.scripting.EngineInstance;
import net.gate64.scripting.Hook;
import net.gate64.scripting.HookFailure;
import net.gate64.scripting.ScriptLoadError;
import net.gate64.scripting.ScriptSandbox;
import net.gate64.scripting.ScriptLog;
import net.gate64.scripting.api.ComboAddress;
import net.gate64.scripting.api.DNSHeader;
import net.gate64.scripting.api.DNSName;
import net.gate64.scripting.api.DomainSet;
import net.gate64.scripting.api.Netmask;
import net.gate64.scripting.api.NetmaskGroup;
import net.gate64.scripting.api.Pdns;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.EnvironmentAccess;
import org.graalvm.polyglot.PolyglotAccess;
import org.graalvm.polyglot.io.IOAccess;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.SourceSection;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyExecutable;

/**
 * One GraalJS context with the script loaded. All contexts share one polyglot {@link Engine}, so the script is parsed
 * once and code caches are shared; a context is used by one thread at a time (the pool's job). Java objects are seen
 * through an explicit allow-list ({@code @HostAccess.Export}): a script reaches the dq API and nothing else of the JVM.
 *
 * <p>On a stock JDK (no JVMCI) Truffle runs guest code in its interpreter only; the engine warning about that is
 * silenced here and the cost is measured in docs/scripting.md.
 */
public final class JsInstance implements EngineInstance {
    private static final HostAccess ACCESS = HostAccess.newBuilder(HostAccess.EXPLICIT)
            .allowListAccess(true)
            .build();
    private static volatile Engine engine;

    private final String name;
    private final Context context;
    private final Map<Hook, Value> hooks = new EnumMap<>(Hook.class);
    private Value emptyOptions; // gettag's ednsoptions: always empty (see docs/scripting.md)
    private long deadline; // guarded by this; 0 = idle

    private static final long LOAD_BUDGET_NANOS = 10_000_000_000L; // the top level may build tables, read files

    public JsInstance(String name, String source) {
        this(name, source, ScriptSandbox.STRICT);
    }

    public JsInstance(String name, String source, ScriptSandbox sandbox) {
        this.name = name;
        this.context = sandboxed(Context.newBuilder("js").engine(engine()), sandbox)
                .option("js.foreign-object-prototype", "true")
                .build();
        try {
            Value global = context.getBindings("js");
            install(global);
            JsWatchdog.watch(this);
            arm(System.nanoTime() + LOAD_BUDGET_NANOS);
            try {
                context.eval(Source.newBuilder("js", source, name).cached(true).buildLiteral());
            } finally {
                disarm();
            }
            for (Hook h : Hook.values()) {
                Value f = global.getMember(h.function());
                if (f != null && f.canExecute()) {
                    hooks.put(h, f);
                }
            }
        } catch (PolyglotException e) {
            close();
            throw new ScriptLoadError(e.isCancelled() ? name + ": the script's top level ran longer than 10 s" : describe(e));
        } catch (RuntimeException e) {
            close();
            throw new ScriptLoadError(name + ": " + e.getMessage());
        }
    }

    /**
     * Whatever the sandbox: Java objects only through the explicit export list, no Java class lookup or loading, no
     * native access, no threads, no other languages. Sandboxed: no process creation, no environment, and the file
     * system read-only and limited to the allow-list; open: the host's file system and environment.
     */
    private static Context.Builder sandboxed(Context.Builder b, ScriptSandbox sandbox) {
        b.allowHostAccess(ACCESS) // no allowHostClassLookup: with any predicate set, GraalJS defines the Java global
                .allowHostClassLoading(false)
                .allowNativeAccess(false)
                .allowCreateThread(false)
                .allowPolyglotAccess(PolyglotAccess.NONE)
                .allowExperimentalOptions(false);
        if (sandbox.enabled()) {
            return b.allowCreateProcess(false)
                    .allowEnvironmentAccess(EnvironmentAccess.NONE)
                    .allowIO(IOAccess.newBuilder().fileSystem(new AllowListFileSystem(sandbox)).build());
        }
        return b.allowCreateProcess(true).allowEnvironmentAccess(EnvironmentAccess.INHERIT).allowIO(IOAccess.ALL);
    }

    private static Engine engine() {
        Engine e = engine;
        if (e == null) {
            synchronized (JsInstance.class) {
                e = engine;
                if (e == null) {
                    e = Engine.newBuilder("js").option("engine.WarnInterpreterOnly", "false").build();
                    engine = e;
                }
            }
        }
        return e;
    }

    private void install(Value global) {
        // a plain JavaScript object, not a proxy: pdns.AAAA in a hook is then a property read, not a call into Java
        global.putMember("pdns", context.eval("js", "(" + json(Pdns.table()) + ")"));
        emptyOptions = context.eval("js", "Object.freeze({})");
        global.putMember("newDN", (ProxyExecutable) a -> DNSName.parse(arg(a, 0).asString()));
        global.putMember("newCA", (ProxyExecutable) a -> ComboAddress.parse(arg(a, 0).asString()));
        global.putMember("newNetmask", (ProxyExecutable) a -> Netmask.parse(arg(a, 0).asString()));
        global.putMember("newNMG", (ProxyExecutable) a -> {
            NetmaskGroup nmg = new NetmaskGroup();
            if (a.length > 0 && a[0].hasArrayElements()) {
                for (long i = 0; i < a[0].getArraySize(); i++) {
                    nmg.addMask(a[0].getArrayElement(i).asString());
                }
            }
            return nmg;
        });
        global.putMember("newDS", (ProxyExecutable) a -> {
            DomainSet ds = new DomainSet();
            if (a.length > 0 && a[0].hasArrayElements()) {
                for (long i = 0; i < a[0].getArraySize(); i++) {
                    ds.add(a[0].getArrayElement(i).asString());
                }
            } else if (a.length > 0 && !a[0].isNull()) {
                ds.add(a[0].isString() ? a[0].asString() : a[0].asHostObject());
            }
            return ds;
        });
        global.putMember("pdnslog", (ProxyExecutable) a -> {
            String message = a.length == 0 ? "" : a[0].isString() ? a[0].asString() : a[0].toString();
            ScriptLog.log(message, a.length > 1 && a[1].fitsInInt() ? a[1].asInt() : 4);
            return null;
        });
        global.putMember("pdnsrandom", (ProxyExecutable) a -> a.length > 0 && a[0].fitsInInt() && a[0].asInt() > 0
                ? ThreadLocalRandom.current().nextInt(a[0].asInt()) : ThreadLocalRandom.current().nextInt() & 0x7fffffff);
    }

    private static Value arg(Value[] a, int i) {
        if (a.length <= i || !a[i].isString()) {
            throw new IllegalArgumentException("argument " + (i + 1) + " must be a string");
        }
        return a[i];
    }

    /** The constants tree as a JSON object literal (keys are identifiers, values numbers or nested trees). */
    private static String json(Map<?, ?> map) {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append('"').append(e.getKey()).append("\":");
            sb.append(e.getValue() instanceof Map<?, ?> nested ? json(nested) : e.getValue().toString());
        }
        return sb.append('}').toString();
    }

    @Override
    public Set<Hook> definedHooks() {
        return hooks.isEmpty() ? EnumSet.noneOf(Hook.class) : EnumSet.copyOf(hooks.keySet());
    }

    @Override
    public boolean call(Hook hook, DnsQuestion dq, long deadlineNanos) throws HookFailure {
        return run(hooks.get(hook), deadlineNanos, dq);
    }

    @Override
    public boolean ipfilter(ComboAddress remote, ComboAddress local, DNSHeader dh, long deadlineNanos) throws HookFailure {
        return run(hooks.get(Hook.IPFILTER), deadlineNanos, remote, local, dh);
    }

    @Override
    public int gettag(ComboAddress remote, ComboAddress local, DNSName qname, int qtype, boolean tcp, long deadlineNanos)
            throws HookFailure {
        Value f = hooks.get(Hook.GETTAG);
        if (f == null) {
            return 0;
        }
        Value tag = invoke(f, deadlineNanos, remote, null, local, qname, qtype, emptyOptions, tcp);
        if (tag.hasArrayElements() && tag.getArraySize() > 0) {
            tag = tag.getArrayElement(0); // [tag, policyTags, data...] as a JavaScript array
        }
        return tag.fitsInInt() ? tag.asInt() : 0;
    }

    private boolean run(Value f, long deadlineNanos, Object... args) throws HookFailure {
        if (f == null) {
            return false;
        }
        return truthy(invoke(f, deadlineNanos, args));
    }

    private Value invoke(Value f, long deadlineNanos, Object... args) throws HookFailure {
        arm(deadlineNanos);
        try {
            return f.execute(args);
        } catch (PolyglotException e) {
            if (e.isCancelled()) {
                throw new HookFailure(HookFailure.Kind.TIMEOUT, name + ": stopped after the hook time budget", true);
            }
            throw new HookFailure(HookFailure.Kind.ERROR, describe(e), e.isInternalError() || e.isResourceExhausted());
        } catch (IllegalStateException e) {
            throw new HookFailure(HookFailure.Kind.TIMEOUT, name + ": context closed: " + e.getMessage(), true);
        } finally {
            disarm();
        }
    }

    /** JavaScript truthiness of a hook's result; PowerDNS hooks return booleans, but be kind to 1/0 and undefined. */
    private static boolean truthy(Value v) {
        if (v == null || v.isNull()) {
            return false;
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isNumber()) {
            return v.asDouble() != 0;
        }
        if (v.isString()) {
            return !v.asString().isEmpty();
        }
        return true;
    }

    /** "file:line: message" from the innermost script frame that has a location. */
    private String describe(PolyglotException e) {
        SourceSection at = e.getSourceLocation();
        if (at == null || e.isHostException()) {
            for (PolyglotException.StackFrame frame : e.getPolyglotStackTrace()) {
                if (frame.isGuestFrame() && frame.getSourceLocation() != null) {
                    at = frame.getSourceLocation();
                    break;
                }
            }
        }
        String message = e.isHostException() && e.asHostException().getMessage() != null
                ? e.asHostException().getMessage() : e.getMessage();
        if (message != null && message.indexOf('\n') > 0) {
            message = message.substring(0, message.indexOf('\n')); // syntax errors append the source line and a caret
        }
        String where = at == null ? name : at.getSource().getName() + ":" + at.getStartLine();
        return where + ": " + message;
    }

    private synchronized void arm(long deadlineNanos) {
        deadline = deadlineNanos;
    }

    private synchronized void disarm() {
        deadline = 0;
    }

    synchronized void cancelIfOverdue(long now) {
        if (deadline != 0 && now - deadline > 0) {
            deadline = 0;
            try {
                context.close(true);
            } catch (RuntimeException ignored) {
                // already closing or closed: the caller sees the cancellation either way
            }
        }
    }

    @Override
    public void close() {
        JsWatchdog.unwatch(this);
        try {
            context.close(true);
        } catch (RuntimeException ignored) {
            // closing a cancelled context may complain; it is gone either way
        }
    }
}
