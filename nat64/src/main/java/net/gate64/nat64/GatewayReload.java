package net.gate64.nat64;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import net.gate64.config.ConfigError;
import net.gate64.config.ConfigReader;
import net.gate64.nat64.config.Nat64Settings;
import net.gate64.nat64.config.SettingsLoader;
import net.gate64.nat64.state.Pool4;
import net.gate64.nat64.state.StaticBinding;
import net.gate64.nat64.state.Timeouts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A config reload of the gateway ({@code SIGHUP}, {@code gate64 nat64 control reload-config}): the file is read and
 * checked whole, then what can change live is put in service and the tables stay, every session that stays valid
 * with it. A bad file changes nothing ({@code gate64_nat64_config_reloads_total{result="failed"}}); settings that
 * cannot change live ({@link #RESTART}) are reported and keep their running value.
 *
 * <p>Live: pool4 and its ports (with ports handed out one by one; blocks and deterministic ranges are laid out at
 * start), the EAM table, the static BIB, session limits and lifetimes, the ICMP error rate, the translator's MTUs and
 * header rules, the RFC 6791 pools, {@code allow-non-global}. A pool4 that no longer holds a binding's address ends
 * that binding's sessions (the address is not the gateway's any more); every other session stays. With
 * {@code configure-interface} the routes follow.
 */
public final class GatewayReload {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayReload.class);
    /** How long after a pool4 change the expiry sweep also ends sessions a racing packet bound outside it. */
    private static final long POOL_CHANGE_WINDOW = 10_000_000_000L;

    /** Settings that need a restart: the device, threads, addresses, the port layout, the endpoint, logging, RAs. */
    static final Set<String> RESTART = Set.of("tun-name", "mode", "pool6", "ipv4-address", "ipv6-address", "mtu",
            "threads", "client-prefix-length", "port-preservation", "port-block-size", "port-blocks-per-client",
            "deterministic-prefix", "address-dependent-filtering", "tcp-incoming-syn-timeout", "max-held-syns",
            "configure-interface", "http-address", "http-allow-from", "api-key", "http-password", "http-hostnames",
            "offload", "io-uring", "session-log", "ipfix-collector", "ipfix-template-refresh", "ipfix-observation-domain",
            "session-log-queue", "ra-interfaces", "ra-interval", "ra-router-lifetime", "ra-pref64", "ra-rdnss");

    /** Live settings the translator is built from together with mtu and the gateway's addresses. */
    static final Set<String> TRANSLATOR = Set.of("ipv4-mtu", "ipv6-mtu", "lowest-ipv6-mtu", "zeroize-traffic-class",
            "override-tos", "amend-udp-checksum-zero", "decrement-hop-limit");

    private final Nat64Service service;
    private Supplier<ConfigReader> source;
    private ConfigReader config;
    private ConfigReader started;
    private List<String> deferred = List.of(); // the last reload's "needs a restart"
    private final LongAdder ok = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private volatile long poolChangedAt = Long.MIN_VALUE;

    GatewayReload(Nat64Service service) {
        this.service = service;
    }

    /** Where a reload reads from, and what the running settings were read from. */
    public void from(Supplier<ConfigReader> source, ConfigReader running) {
        synchronized (this) {
            this.source = source;
            this.config = running;
            this.started = running;
        }
    }

    long ok() {
        return ok.sum();
    }

    long failed() {
        return failed.sum();
    }

    /**
     * Reads the source again and applies it.
     *
     * @return what changed, for the operator
     * @throws ConfigError naming the key and position; nothing changed
     */
    public synchronized String reload() {
        try {
            if (source == null) {
                throw new ConfigError("this gateway was started from settings alone: nothing to reload from");
            }
            ConfigReader next = source.get();
            Nat64Settings fresh = SettingsLoader.read(next);
            Nat64Settings running = service.settings();
            List<String> changed = new ArrayList<>(); // since the last reload: what this one changes
            List<String> differ = new ArrayList<>(); // from the settings the gateway started with
            for (String key : new TreeSet<>(SettingsLoader.SCHEMA.keys())) {
                if (!Objects.equals(config.rendered(key), next.rendered(key))) {
                    changed.add(key);
                }
                if (!Objects.equals(started.rendered(key), next.rendered(key))) {
                    differ.add(key);
                }
            }
            // what needs a restart is what differs from what runs since the start, even if an earlier reload saw it
            List<String> restart = new ArrayList<>(differ.stream().filter(RESTART::contains).toList());
            if (restart.contains("mtu") || restart.contains("ipv4-address") || restart.contains("ipv6-address")) {
                // the translator's settings are built with these: they wait for the same restart (see merge)
                differ.stream().filter(TRANSLATOR::contains).forEach(restart::add);
            }
            boolean stateful = running.mode() == Nat64Settings.Mode.STATEFUL;
            boolean poolChanged = stateful && (!Objects.equals(running.pool4(), fresh.pool4())
                    || running.portMin() != fresh.portMin() || running.portMax() != fresh.portMax());
            if (poolChanged && running.stateful().ports().blocks()) {
                differ.stream().filter(k -> k.equals("pool4") || k.equals("pool4-ports")).forEach(restart::add);
                poolChanged = false;
            }
            java.util.Collections.sort(restart);
            Nat64Settings s = merge(running, fresh, restart);
            List<StaticBinding> added = stateful ? minus(s.stateful().staticBib(), running.stateful().staticBib()) : List.of();
            List<StaticBinding> removed = stateful ? minus(running.stateful().staticBib(), s.stateful().staticBib()) : List.of();
            Pool4 pool = poolChanged ? new Pool4(s.pool4(), s.portMin(), s.portMax()) : null;
            // the one step that can still fail: static bindings that clash with a binding in the table (one that
            // control bib-add already made, the same, counts as there)
            Set<String> present = new java.util.HashSet<>();
            if (stateful) {
                service.bib().staticEntries().forEach(e -> present.add(e.toString()));
            }
            added = added.stream().filter(b -> !present.contains(b.toString())).toList();
            List<StaticBinding> done = new ArrayList<>();
            for (StaticBinding b : added) {
                if (pool != null && !service.bib().pool4().contains(b.addr4())) {
                    continue; // on an address only the new pool4 has: added once it is in service, below
                }
                try {
                    b.addTo(service.bib());
                    done.add(b);
                } catch (IllegalArgumentException e) {
                    for (StaticBinding d : done) {
                        service.bib().removeStatic(d.proto(), d.addr6(), d.port6());
                    }
                    throw new ConfigError("invalid value for 'bib': " + b + ": " + e.getMessage());
                }
            }
            // from here on nothing fails
            for (StaticBinding b : removed) {
                service.bib().removeStatic(b.proto(), b.addr6(), b.port6());
            }
            int ended = 0;
            if (pool != null) {
                service.bib().usePool4(pool);
                poolChangedAt = System.nanoTime();
                ended = service.sessions().endIf(x -> !service.bib().inPool(x.bib()));
                for (net.gate64.nat64.state.BibEntry e : service.bib().staticEntries()) {
                    if (!service.bib().inPool(e)) { // one control bib-add made on an address that went
                        service.bib().removeStatic(e.proto(), e.addr6(), e.port6());
                    }
                }
                for (StaticBinding b : added) {
                    if (!done.contains(b)) {
                        try {
                            b.addTo(service.bib()); // a new address: no binding can hold it yet
                        } catch (IllegalArgumentException e) {
                            LOG.warn("reload: static binding {} not added: {}", b, e.getMessage());
                        }
                    }
                }
            }
            service.apply(s);
            if (s.configureInterface() && (changed.contains("pool4") || changed.contains("eam"))) {
                routes(running, s);
            }
            config = next;
            ok.increment();
            // what takes effect: what this reload changed, and what an earlier one left for a restart that can apply
            // now (a translator setting once mtu is back), but not a restart setting back to the value it runs with
            Set<String> effect = new TreeSet<>(changed);
            effect.addAll(deferred);
            effect.removeAll(restart);
            effect.removeIf(k -> RESTART.contains(k) && !differ.contains(k));
            List<String> applied = new ArrayList<>(effect);
            deferred = List.copyOf(restart);
            String text = "reloaded: " + (applied.isEmpty() ? "no live setting changed" : "changed " + String.join(", ", applied))
                    + (restart.isEmpty() ? "" : "\nneeds a restart to take effect (running as before until then): "
                            + String.join(", ", restart))
                    + (pool == null ? "" : "\nsessions ended because pool4 no longer holds their address: " + ended)
                    + "\nsessions kept: " + (service.sessions() == null ? 0 : service.sessions().size());
            LOG.info(text.replace('\n', ';'));
            return text;
        } catch (ConfigError e) {
            failed.increment();
            LOG.warn("reload refused, the running settings stay in service: {}", e.getMessage());
            throw e;
        }
    }

    /** For a while after a pool4 change, sessions bound outside it by a packet that raced the change end too. */
    void sweep() {
        long at = poolChangedAt;
        if (at != Long.MIN_VALUE && System.nanoTime() - at < POOL_CHANGE_WINDOW && service.sessions() != null) {
            service.sessions().endIf(x -> !service.bib().inPool(x.bib()));
        }
    }

    /** The running settings with the live ones of {@code fresh} (those not in {@code restart}). */
    private static Nat64Settings merge(Nat64Settings r, Nat64Settings f, List<String> restart) {
        boolean pool = !restart.contains("pool4") && !restart.contains("pool4-ports");
        // the translator's defaults follow mtu and carries the gateway's addresses: all of it waits for a restart then
        boolean translator = !restart.contains("mtu") && !restart.contains("ipv4-address") && !restart.contains("ipv6-address");
        Timeouts t = new Timeouts(f.timeouts().tcpEstablished(), f.timeouts().tcpTransitory(), f.timeouts().udp(),
                f.timeouts().icmp(), r.timeouts().tcpIncomingSyn());
        Nat64Settings.Stateful stateful = r.stateful() == null ? null : new Nat64Settings.Stateful(r.stateful().ports(),
                r.stateful().addressDependentFiltering(), r.stateful().maxHeldSyns(),
                f.stateful() == null ? r.stateful().staticBib() : f.stateful().staticBib());
        return new Nat64Settings(r.tunName(), r.mode(), r.pool6(), pool ? f.pool4() : r.pool4(),
                pool ? f.portMin() : r.portMin(), pool ? f.portMax() : r.portMax(), f.eam(), r.ipv4Address(),
                r.ipv6Address(), r.mtu(), r.threads(), translator ? f.decrementHopLimit() : r.decrementHopLimit(),
                f.allowNonGlobal(), f.limits(), t, f.icmpErrorsPerSecond(), r.configureInterface(), r.offload(), r.ioUring(),
                r.httpAddress(), r.httpAccess(), r.sessionLog(), translator ? f.translator() : r.translator(),
                f.rfc6791v4(), f.rfc6791v6(), r.ra(), stateful);
    }

    /** The entries of {@code a} that {@code b} does not have (StaticBinding holds an array: compared as text). */
    private static List<StaticBinding> minus(List<StaticBinding> a, List<StaticBinding> b) {
        Set<String> other = new java.util.HashSet<>();
        b.forEach(x -> other.add(x.toString()));
        return a.stream().filter(x -> !other.contains(x.toString())).toList();
    }

    /** The routes of the new pool4 or EAM table into the TUN device, and none left for what went. */
    private static void routes(Nat64Settings old, Nat64Settings now) {
        try {
            InterfaceSetup.apply(now);
            for (List<String> stale : InterfaceSetup.staleRoutes(old, now)) {
                InterfaceSetup.run(stale);
            }
        } catch (IOException e) {
            LOG.warn("reload: the routes for the new settings could not be set: {}", e.getMessage());
        }
    }
}
