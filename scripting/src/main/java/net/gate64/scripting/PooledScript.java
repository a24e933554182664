package net.gate64.scripting;

import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import net.gate64.scripting.api.ComboAddress;
import net.gate64.scripting.api.DNSHeader;
import net.gate64.scripting.api.DNSName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loaded script behind the {@link ScriptHooks} contract, whatever the engine: borrows an instance per call, gives
 * it its deadline, and turns every failure into "not handled" plus a log line (with file:line) and a count. The
 * first instance is made in the constructor, so a broken script fails right here, before anything is swapped.
 */
final class PooledScript implements ScriptHooks {
    private static final Logger LOG = LoggerFactory.getLogger("gate64.script");
    private static final long LOG_INTERVAL_NANOS = 1_000_000_000L;

    private final String description;
    private final Set<Hook> defined;
    private final InstancePool pool;
    private final long timeoutNanos;
    private final ScriptEvents events;
    private final AtomicLong lastLog = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);
    private final AtomicLong unlogged = new AtomicLong();

    @FunctionalInterface
    private interface Invocation {
        boolean run(EngineInstance instance, long deadline) throws HookFailure;
    }

    PooledScript(String description, Supplier<EngineInstance> factory, ScriptOptions options, ScriptEvents events) {
        EngineInstance first = factory.get();
        this.description = description;
        this.defined = Set.copyOf(first.definedHooks());
        this.pool = new InstancePool(factory, options.maxInstances(), first);
        this.timeoutNanos = options.hookTimeout().toNanos();
        this.events = events;
    }

    @Override
    public boolean defines(Hook hook) {
        return defined.contains(hook);
    }

    @Override
    public boolean call(Hook hook, DnsQuestion dq) {
        return defined.contains(hook) && invoke(hook, (i, deadline) -> i.call(hook, dq, deadline));
    }

    @Override
    public boolean ipfilter(ComboAddress remote, ComboAddress local, DNSHeader dh) {
        return defined.contains(Hook.IPFILTER)
                && invoke(Hook.IPFILTER, (i, deadline) -> i.ipfilter(remote, local, dh, deadline));
    }

    @Override
    public int gettag(ComboAddress remote, ComboAddress local, DNSName qname, int qtype, boolean tcp) {
        if (!defined.contains(Hook.GETTAG)) {
            return 0;
        }
        EngineInstance instance = pool.tryBorrow();
        if (instance == null) {
            return -1;
        }
        boolean keep = true;
        try {
            return Math.max(0, instance.gettag(remote, local, qname, qtype, tcp, System.nanoTime() + timeoutNanos));
        } catch (HookFailure f) {
            keep = !f.discardInstance();
            fail(Hook.GETTAG, f.kind(), f.getMessage());
            return 0;
        } catch (RuntimeException | StackOverflowError e) {
            keep = false;
            fail(Hook.GETTAG, HookFailure.Kind.ERROR, e.toString());
            return 0;
        } finally {
            if (keep) {
                pool.giveBack(instance);
            } else {
                pool.discard(instance);
            }
        }
    }

    private boolean invoke(Hook hook, Invocation call) {
        EngineInstance instance;
        try {
            instance = pool.borrow();
        } catch (ScriptLoadError e) {
            fail(hook, HookFailure.Kind.ERROR, "could not start a new script instance: " + e.getMessage());
            return false;
        }
        boolean keep = true;
        try {
            return call.run(instance, System.nanoTime() + timeoutNanos);
        } catch (HookFailure f) {
            keep = !f.discardInstance();
            fail(hook, f.kind(), f.getMessage());
            return false;
        } catch (RuntimeException | StackOverflowError e) {
            keep = false; // an engine bug or a runaway recursion: this instance is not to be trusted
            fail(hook, HookFailure.Kind.ERROR, e.toString());
            return false;
        } finally {
            if (keep) {
                pool.giveBack(instance);
            } else {
                pool.discard(instance);
            }
        }
    }

    private void fail(Hook hook, HookFailure.Kind kind, String message) {
        if (kind == HookFailure.Kind.TIMEOUT) {
            events.timeout(hook, message);
        } else {
            events.error(hook, message);
        }
        // At most one line a second, so a script failing on every query cannot flood the log; the metric counts all.
        long now = System.nanoTime();
        long last = lastLog.get();
        if (now - last >= LOG_INTERVAL_NANOS && lastLog.compareAndSet(last, now)) {
            long skipped = unlogged.getAndSet(0);
            LOG.warn("script {} hook={} {}: {}{}", description, hook.function(),
                    kind == HookFailure.Kind.TIMEOUT ? "timeout" : "error", message,
                    skipped > 0 ? " (" + skipped + " more failures not logged)" : "");
        } else {
            unlogged.incrementAndGet();
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public void close() {
        pool.close();
    }
}
