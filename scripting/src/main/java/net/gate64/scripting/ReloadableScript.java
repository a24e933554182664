package net.gate64.scripting;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import net.gate64.scripting.api.ComboAddress;
import net.gate64.scripting.api.DNSHeader;
import net.gate64.scripting.api.DNSName;

/**
 * The script currently in service, swappable at run time. A reload loads and checks the new script completely
 * first, then swaps one reference: queries already inside a hook finish with the old script, later ones use the new
 * one, none waits or is dropped. When the new script fails, the old one stays and the error is returned.
 */
public final class ReloadableScript implements ScriptHooks {
    private final AtomicReference<ScriptHooks> current;
    private final AtomicReference<Path> file;
    private volatile ScriptOptions options;
    private final ScriptEvents events;

    public ReloadableScript(Path file, ScriptOptions options, ScriptEvents events) {
        this.options = options;
        this.events = events;
        this.file = new AtomicReference<>(file);
        this.current = new AtomicReference<>(file == null ? ScriptHooks.NONE : Scripts.load(file, options, events));
    }

    /**
     * A script loaded and checked but not yet in service: the first half of a reload that must succeed or fail
     * together with other changes (a whole settings snapshot). Either {@link #install} it or {@link #discard} it.
     */
    public record Prepared(Path file, ScriptOptions options, ScriptHooks hooks) {}

    /**
     * Loads {@code newFile} (null: no script) with {@code newOptions}, without putting it in service.
     *
     * @throws ScriptLoadError when it cannot be used; nothing changes
     */
    public Prepared prepare(Path newFile, ScriptOptions newOptions) {
        return new Prepared(newFile, newOptions, newFile == null ? ScriptHooks.NONE : Scripts.load(newFile, newOptions, events));
    }

    /** Puts a prepared script in service (queries that pinned the old one finish with it); returns its description. */
    public synchronized String install(Prepared p) {
        ScriptHooks old = current.getAndSet(p.hooks());
        file.set(p.file());
        options = p.options();
        old.close(); // idle instances now, busy ones when their call ends
        return p.hooks().description();
    }

    /** Releases a prepared script that will not be installed. */
    public static void discard(Prepared p) {
        p.hooks().close();
    }

    /**
     * Reloads from {@code newFile}, or from the file in use when null.
     *
     * @return a description of the script now in service
     * @throws ScriptLoadError when the new script cannot be used; the old one keeps running
     */
    public synchronized String reload(Path newFile) {
        Path f = newFile != null ? newFile : file.get();
        if (f == null) {
            throw new ScriptLoadError("no script is configured (lua-dns-script is empty) and no file was given");
        }
        ScriptHooks fresh = Scripts.load(f, options, events);
        ScriptHooks old = current.getAndSet(fresh);
        file.set(f);
        old.close(); // idle instances now, busy ones when their call ends
        return fresh.description();
    }

    /**
     * The script in service now, to pin for the whole of one query: a reload swaps in a new one for later queries,
     * while this one keeps serving the query that holds it (its instances close as they come back).
     */
    public ScriptHooks current() {
        return current.get();
    }

    public Path file() {
        return file.get();
    }

    @Override
    public boolean defines(Hook hook) {
        return current.get().defines(hook);
    }

    @Override
    public boolean call(Hook hook, DnsQuestion dq) {
        return current.get().call(hook, dq);
    }

    @Override
    public boolean ipfilter(ComboAddress remote, ComboAddress local, DNSHeader dh) {
        return current.get().ipfilter(remote, local, dh);
    }

    @Override
    public int gettag(ComboAddress remote, ComboAddress local, DNSName qname, int qtype, boolean tcp) {
        return current.get().gettag(remote, local, qname, qtype, tcp);
    }

    @Override
    public String description() {
        return current.get().description();
    }

    @Override
    public void close() {
        current.get().close();
    }
}
