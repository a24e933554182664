package net.gate64.resolver.script;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Arrays;
import net.gate64.resolver.dns64.Dns64;
import net.gate64.resolver.query.ClientQuery;
import net.gate64.resolver.query.Transport;
import net.gate64.resolver.wire.QueryView;
import net.gate64.resolver.resolve.Lookup;
import net.gate64.resolver.stats.Metrics;
import net.gate64.scripting.Hook;
import net.gate64.scripting.ReloadableScript;
import net.gate64.scripting.ScriptHooks;
import net.gate64.scripting.ScriptLoadError;
import net.gate64.scripting.api.ComboAddress;
import net.gate64.scripting.api.DNSHeader;
import net.gate64.scripting.api.DNSName;
import org.xbill.DNS.DNSInput;
import org.xbill.DNS.Name;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;

/**
 * Where the query pipeline meets the operator's script (PowerDNS Recursor hook semantics). The pipeline asks:
 * {@link #drop} (ipfilter) before parsing, then, per query, a {@link ScriptedQuery} for preresolve, nodata/nxdomain,
 * follow-ups and postresolve. Without a script every step is a cheap no-op.
 */
public final class ScriptStage implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScriptStage.class);

    private final ReloadableScript script;
    private final FollowUps followUps;
    private final ScriptMetrics metrics;
    private final boolean owner;

    private ScriptStage(ReloadableScript script, FollowUps followUps, ScriptMetrics metrics, boolean owner) {
        this.script = script;
        this.followUps = followUps;
        this.metrics = metrics;
        this.owner = owner;
    }

    /**
     * Loads the configured script, if any.
     *
     * @throws ScriptLoadError naming file:line when the script does not load: the recursor refuses to start
     */
    public static ScriptStage start(ScriptSettings settings, Dns64 dns64, Metrics metrics) {
        ScriptMetrics m = new ScriptMetrics(metrics);
        ReloadableScript script = new ReloadableScript(settings.file(), settings.options(), m);
        if (settings.file() != null) {
            LOG.info("loaded hook script {}", script.description());
        }
        return new ScriptStage(script, new FollowUps(dns64), m, true);
    }

    /**
     * The same script with follow-ups that synthesise through {@code dns64}: what a reloaded settings snapshot with
     * other DNS64 settings uses. Closing the view closes nothing; the script belongs to the stage it came from.
     */
    public ScriptStage withDns64(Dns64 dns64) {
        return new ScriptStage(script, new FollowUps(dns64), metrics, false);
    }

    /**
     * Loads the script {@code settings} name (again, when it is the same file), checked but not in service: the
     * first half of a config reload, which installs it only when the whole new snapshot is good.
     *
     * @throws ScriptLoadError naming file:line; counted as a failed reload, nothing changes
     */
    public ReloadableScript.Prepared prepare(ScriptSettings settings) {
        try {
            return script.prepare(settings.file(), settings.options());
        } catch (ScriptLoadError e) {
            metrics.reload(false);
            LOG.warn("script reload failed, keeping {}: {}", script.description(), e.getMessage());
            throw e;
        }
    }

    /** Puts a prepared script in service; returns what is loaded now. */
    public String install(ReloadableScript.Prepared prepared) {
        String d = script.install(prepared);
        if (prepared.file() != null) {
            metrics.reload(true);
            LOG.info("reloaded hook script {}", d);
        }
        return d;
    }

    /** The configured script file now, or null. */
    public Path file() {
        return script.file();
    }

    /**
     * ipfilter: true when the script says to drop this query silently. Runs before the full parse, on the raw header,
     * as in PowerDNS; it is not called for packet-cache hits.
     */
    public boolean drop(ScriptHooks script, ClientQuery q) {
        if (!script.defines(Hook.IPFILTER) || q.wire().length < 12) {
            return false;
        }
        DNSHeader dh;
        try {
            dh = new DNSHeader(new Header(Arrays.copyOf(q.wire(), 12)));
        } catch (IOException e) {
            return false;
        }
        return script.ipfilter(ComboAddress.of(q.remote()), ComboAddress.of(q.local()), dh); // the caller counts the drop
    }

    /**
     * gettag, on the event loop before the packet-cache lookup (see {@link ScriptHooks#gettag}); 0 without the hook,
     * -1 to bypass the packet cache for this query.
     */
    public int tag(ScriptHooks script, ByteBuf query, QueryView view, InetSocketAddress remote, InetSocketAddress local,
                   Transport transport) {
        if (!script.defines(Hook.GETTAG)) {
            return 0;
        }
        Name qname;
        try {
            byte[] wire = new byte[view.qnameEnd() - 12];
            query.getBytes(query.readerIndex() + 12, wire);
            qname = new Name(new DNSInput(wire));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return script.gettag(ComboAddress.of(remote), ComboAddress.of(local), new DNSName(qname), view.qtype(),
                transport == Transport.TCP);
    }

    /** The script in service now: a query pins it from its arrival to its answer, so a reload never splits one. */
    public ScriptHooks snapshot() {
        return script.current();
    }

    /** The hook steps for one parsed query, with the script it pinned and the lookup its flags chose. */
    public ScriptedQuery begin(ScriptHooks script, ClientQuery q, Message query, Lookup lookup) {
        return new ScriptedQuery(script, followUps, metrics, q, query, lookup);
    }

    /**
     * Loads {@code file} (or the current file again) and swaps it in; on failure the running script stays.
     *
     * @return what is now loaded
     * @throws ScriptLoadError naming file:line
     */
    public String reload(Path file) {
        try {
            String d = script.reload(file);
            metrics.reload(true);
            LOG.info("reloaded hook script {}", d);
            return d;
        } catch (ScriptLoadError e) {
            metrics.reload(false);
            LOG.warn("script reload failed, keeping {}: {}", script.description(), e.getMessage());
            throw e;
        }
    }

    public String description() {
        return script.description();
    }

    @Override
    public void close() {
        if (owner) {
            script.close();
        }
    }
}
