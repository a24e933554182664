package net.gate64.nat64;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import net.gate64.nat64.config.Nat64Settings;
import net.gate64.nat64.http.GatewayControl;
import net.gate64.nat64.http.ObservabilityServer;
import net.gate64.nat64.log.EventLog;
import net.gate64.nat64.ra.RouterAdvertiser;
import net.gate64.nat64.packet.Bytes;
import net.gate64.common.EamTable;
import net.gate64.nat64.siit.Rfc6791Pool;
import net.gate64.nat64.siit.SiitMapper;
import net.gate64.nat64.state.Bib;
import net.gate64.nat64.state.BibEntry;
import net.gate64.nat64.state.FragmentMemory;
import net.gate64.nat64.state.NatEventSink;
import net.gate64.nat64.state.Pool4;
import net.gate64.nat64.state.Session;
import net.gate64.nat64.state.SessionTable;
import net.gate64.nat64.state.StaticBinding;
import net.gate64.nat64.state.StatefulMapper;
import net.gate64.nat64.translate.AddressMapper;
import net.gate64.nat64.translate.Counters;
import net.gate64.nat64.translate.IcmpRateLimiter;
import net.gate64.nat64.translate.PacketHandler;
import net.gate64.nat64.translate.Pool6;
import net.gate64.nat64.translate.TranslatorConfig;
import net.gate64.nat64.tun.TunDevice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running gateway: one TUN queue and one platform thread per worker, each with its own buffers, translators
 * and mapper view over the shared tables; a sweeper thread expiring sessions once a second; the HTTP endpoint.
 */
public final class Nat64Service implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Nat64Service.class);

    private volatile Nat64Settings settings; // a reload replaces the live parts (GatewayReload)
    private final LongSupplier clock;
    /** The session table's clock: read by the workers once per burst of packets, not per packet. */
    private final BurstClock burstClock;
    private final Counters counters = new Counters();
    private volatile Pool6 pool6;
    private final Bib bib;
    private final SessionTable sessions;
    private final FragmentMemory fragments;
    private volatile EamTable eam;
    private volatile TranslatorConfig translatorConfig;
    private final GatewayReload reload = new GatewayReload(this);
    private final List<Thread> workers = new ArrayList<>();
    private final List<GatewayHealth.Beat> beats = new ArrayList<>();
    private final List<Worker> workerLoops = new ArrayList<>();
    private volatile long lastSweep = Long.MIN_VALUE;
    private volatile boolean started;
    private final ScheduledExecutorService sweeper;
    private volatile boolean running = true;
    private final EventLog eventLog;
    private RouterAdvertiser advertiser;
    private TunDevice tun;
    private ObservabilityServer http;

    public Nat64Service(Nat64Settings settings, LongSupplier nanoClock) {
        this(settings, nanoClock, null);
    }

    /** {@code eventLog}: where binding and session events go (stateful mode), or null for nowhere. */
    public Nat64Service(Nat64Settings settings, LongSupplier nanoClock, EventLog eventLog) {
        this.settings = settings;
        this.clock = nanoClock;
        this.burstClock = new BurstClock(nanoClock);
        this.eventLog = eventLog;
        this.pool6 = new Pool6(settings.pool6(), settings.allowNonGlobal());
        this.eam = new EamTable(settings.eam());
        this.translatorConfig = settings.translator();
        if (settings.mode() == Nat64Settings.Mode.STATEFUL) {
            Pool4 pool4 = new Pool4(settings.pool4(), settings.portMin(), settings.portMax());
            Nat64Settings.Stateful stateful = settings.stateful();
            this.bib = new Bib(pool4, eventLog != null ? eventLog : NatEventSink.NONE, stateful.ports());
            this.sessions = new SessionTable(bib, settings.limits(), settings.timeouts(), burstClock,
                    stateful.addressDependentFiltering(), stateful.maxHeldSyns());
            for (StaticBinding b : stateful.staticBib()) {
                b.addTo(bib); // checked when the settings were loaded
            }
            this.fragments = new FragmentMemory(65536, nanoClock);
            this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                    .name("nat64-expiry").unstarted(r));
        } else {
            this.bib = null;
            this.sessions = null;
            this.fragments = null;
            this.sweeper = null;
        }
    }

    /** A mapper view for one worker thread (stateful views share the tables; SIIT is stateless anyway). */
    AddressMapper newMapper() {
        if (bib != null) {
            return new StatefulMapper(pool6, bib, sessions, fragments, settings.ipv4Address());
        }
        return new SiitMapper(pool6, eam, new Rfc6791Pool(settings.rfc6791v4(), settings.rfc6791v6(),
                settings.ipv4Address(), settings.ipv6Address()));
    }

    /** A worker's packet handler over the current mapper, translator settings and ICMP error budget. */
    private PacketHandler newHandler() {
        Nat64Settings s = settings;
        return new PacketHandler(newMapper(), translatorConfig,
                new IcmpRateLimiter(s.icmpErrorsPerSecond() / s.threads(), Math.max(1, s.icmpErrorsPerSecond() / s.threads()),
                        clock), counters, Worker.OUT_BUFFER);
    }

    /**
     * Puts the live parts of {@code next} in service (GatewayReload decided which): new handlers for every worker
     * (pool6's non-global rule, EAM, translator settings, ICMP error rate), the session limits and lifetimes. The
     * tables stay.
     */
    void apply(Nat64Settings next) {
        settings = next;
        pool6 = new Pool6(next.pool6(), next.allowNonGlobal());
        eam = new EamTable(next.eam());
        translatorConfig = next.translator();
        if (sessions != null) {
            sessions.limits(next.limits());
            sessions.timeouts(next.timeouts());
        }
        for (Worker w : workerLoops) {
            w.use(newHandler());
        }
    }

    /** What the HTTP endpoint may do with this gateway (its metrics, probes, tables and control verbs). */
    public GatewayControl control() {
        return new Nat64Control(this);
    }

    /** What reloads this gateway's settings ({@code SIGHUP}, {@code control reload-config}). */
    public GatewayReload reloader() {
        return reload;
    }

    public void start() throws IOException {
        tun = TunDevice.open(settings.tunName(), settings.threads(), settings.offload());
        if (settings.configureInterface()) {
            InterfaceSetup.apply(settings);
        }
        for (int i = 0; i < tun.queues().size(); i++) {
            TunDevice.Queue q = tun.queues().get(i);
            Worker w = new Worker(i, q, tun.offload(), settings.ioUring(), newHandler(), counters, burstClock::refresh);
            workers.add(Thread.ofPlatform().name("nat64-worker-" + i).daemon().unstarted(w));
            workerLoops.add(w);
            beats.add(w.beat);
        }
        if (eventLog != null) {
            eventLog.start();
        }
        workers.forEach(Thread::start);
        if (sweeper != null) {
            lastSweep = clock.getAsLong();
            sweeper.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
        }
        if (settings.ra().enabled()) {
            advertiser = RouterAdvertiser.start(settings.ra());
        }
        if (settings.httpAddress() != null) {
            http = new ObservabilityServer(settings.httpAddress(), settings.httpAccess(), control());
            http.start();
        }
        LOG.info("nat64 started: tun={} offload={} udp-offload={} mode={} pool6={} pool4={} ports={}-{} threads={} mtu={} gateway4={} http={}",
                settings.tunName(), tun.offload(), tun.udpOffload(), settings.mode().name().toLowerCase(), settings.pool6(), settings.pool4(),
                settings.portMin(), settings.portMax(), settings.threads(), settings.mtu(),
                Bytes.ipv4(settings.ipv4Address()), http == null ? "off" : http.address());
        started = true;
    }

    /** Liveness ({@code /health}): workers running and making progress, the expiry sweep running. */
    public GatewayHealth.Report health() {
        return GatewayHealth.health(clock.getAsLong(), beats, sweeper == null ? Long.MIN_VALUE : lastSweep, started);
    }

    /** Readiness ({@code /ready}): healthy, and the TUN interface up and running. */
    public GatewayHealth.Report readiness() {
        return GatewayHealth.ready(health(), settings.tunName(), link(), !running);
    }

    /** The TUN interface's state in the gateway's network namespace (SIOCGIFFLAGS). */
    private GatewayHealth.Link link() {
        TunDevice t = tun;
        if (t == null) {
            return GatewayHealth.Link.MISSING;
        }
        try {
            int flags = t.linkFlags();
            if (flags < 0) {
                return GatewayHealth.Link.MISSING;
            }
            int upAndRunning = TunDevice.IFF_UP | TunDevice.IFF_RUNNING;
            return (flags & upAndRunning) == upAndRunning ? GatewayHealth.Link.UP : GatewayHealth.Link.DOWN;
        } catch (IOException e) {
            LOG.warn("cannot read the flags of {}: {}", settings.tunName(), e.getMessage());
            return GatewayHealth.Link.MISSING;
        }
    }

    private void sweep() {
        try {
            reload.sweep(); // after a pool4 change: sessions a racing packet bound outside it
            burstClock.refresh(); // idle workers may not have read the clock for 200 ms
            sessions.sweep();
            fragments.sweep();
            lastSweep = clock.getAsLong();
        } catch (RuntimeException e) {
            LOG.error("expiry sweep failed", e);
        }
    }

    public Counters counters() {
        return counters;
    }

    public Nat64Settings settings() {
        return settings;
    }

    /** Per worker: packets read, TCP and UDP super-packets among them, waits for an empty queue, io_uring (1/0). */
    public List<long[]> workerStats() {
        List<long[]> out = new ArrayList<>();
        for (Worker w : workerLoops) {
            out.add(new long[] {w.stats.packets, w.stats.tcpSuperPackets, w.stats.udpSuperPackets, w.stats.waits,
                    w.stats.uring ? 1 : 0});
        }
        return out;
    }

    /** Null unless ra-interfaces names interfaces. */
    public RouterAdvertiser routerAdvertiser() {
        return advertiser;
    }

    /** Null when session logging is off. */
    public EventLog eventLog() {
        return eventLog;
    }

    /** Null in SIIT mode. */
    public Bib bib() {
        return bib;
    }

    /** Null in SIIT mode. */
    public SessionTable sessions() {
        return sessions;
    }

    public long nanoTime() {
        return clock.getAsLong();
    }

    /** Blocks until a worker ends (they end only on close or a fatal TUN error). */
    public void awaitWorkers() throws InterruptedException {
        for (Thread t : workers) {
            t.join();
        }
    }

    @Override
    public synchronized void close() {
        if (!running) {
            return;
        }
        running = false;
        workerLoops.forEach(Worker::stop);
        if (advertiser != null) {
            advertiser.close(); // first: the last advertisement withdraws the prefix from the hosts
        }
        if (http != null) {
            http.stop();
        }
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
        for (Thread t : workers) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (tun != null) {
            tun.close();
        }
        if (eventLog != null) {
            endEverything();
            eventLog.close();
        }
    }

    /** Stopping ends every session and binding: the log says so, so that no mapping is left without an end. */
    private void endEverything() {
        try {
            if (sweeper != null) {
                sweeper.awaitTermination(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (sessions != null) {
            for (Session s : sessions.list()) {
                eventLog.sessionDeleted(s);
            }
            for (BibEntry e : bib.entries()) {
                eventLog.bibDeleted(e);
            }
        }
    }
}
