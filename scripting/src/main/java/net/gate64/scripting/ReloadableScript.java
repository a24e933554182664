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
    private final ScriptOptions options;
    private final ScriptEvents events;

    public ReloadableScript(Path file, ScriptOptions options, ScriptEvents events) {
        this.options = options;
        this.events = events;
        this.file = new AtomicReference<>(file);
        this.current = new AtomicReference<>(file == null ? ScriptHooks.NONE : Scripts.load(file, options, events));
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
