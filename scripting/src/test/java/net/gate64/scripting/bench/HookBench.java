package net.gate64.scripting.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import net.gate64.scripting.DnsQuestion;
import net.gate64.scripting.Hook;
import net.gate64.scripting.ScriptEvents;
import net.gate64.scripting.ScriptHooks;
import net.gate64.scripting.ScriptOptions;
import net.gate64.scripting.Scripts;
import net.gate64.scripting.api.ComboAddress;
import net.gate64.scripting.api.DNSHeader;
import org.xbill.DNS.Header;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * Hook calls per second for each engine, one thread, through the same {@link ScriptHooks} path the resolver uses
 * (pool borrow, deadline, dq wrapping). Not a JMH benchmark: a warm-up, then timed rounds, best and median printed.
 *
 * <pre>bench/scripting-hooks.sh [seconds-per-round]</pre>
 */
public final class HookBench {
    private HookBench() {}

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        Path contribLua = Path.of(args.length > 1 ? args[1] : "contrib/dns64.lua");
        Path contribJs = Path.of(args.length > 2 ? args[2] : "contrib/dns64.js");
        String emptyLua = "function preresolve(dq) return false end\n";
        String emptyJs = "function preresolve(dq) { return false; }\n";
        String typicalLua = """
                local blocked = newDS()
                blocked:add({"ads.example", "tracker.example"})
                function preresolve(dq)
                  if dq.qtype == pdns.A and blocked:check(dq.qname) then
                    dq.rcode = pdns.NXDOMAIN
                    return true
                  end
                  return false
                end
                """;
        String typicalJs = """
                const blocked = newDS();
                blocked.add(["ads.example", "tracker.example"]);
                function preresolve(dq) {
                  if (dq.qtype === pdns.A && blocked.check(dq.qname)) {
                    dq.rcode = pdns.NXDOMAIN;
                    return true;
                  }
                  return false;
                }
                """;
        try (org.graalvm.polyglot.Engine e = org.graalvm.polyglot.Engine.newBuilder("js")
                .option("engine.WarnInterpreterOnly", "false").build()) {
            System.out.println("Truffle runtime: " + e.getImplementationName() + " (\"Interpreted\" = no optimizing compiler)");
        }
        System.out.printf("%-44s %14s %14s%n", "hook (one thread)", "best calls/s", "median calls/s");
        run("LuaJ preresolve: return false", Scripts.Language.LUA, emptyLua, Hook.PRERESOLVE, seconds);
        run("GraalJS preresolve: return false", Scripts.Language.JAVASCRIPT, emptyJs, Hook.PRERESOLVE, seconds);
        run("LuaJ preresolve: suffix-set block check", Scripts.Language.LUA, typicalLua, Hook.PRERESOLVE, seconds);
        run("GraalJS preresolve: suffix-set block check", Scripts.Language.JAVASCRIPT, typicalJs, Hook.PRERESOLVE, seconds);
        gettag("LuaJ contrib/dns64.lua gettag, A question", Scripts.Language.LUA, Files.readString(contribLua), seconds);
        gettag("GraalJS contrib/dns64.js gettag, A question", Scripts.Language.JAVASCRIPT, Files.readString(contribJs), seconds);
        run("LuaJ contrib/dns64.lua nodata", Scripts.Language.LUA, Files.readString(contribLua), Hook.NODATA, seconds);
        run("GraalJS contrib/dns64.js nodata", Scripts.Language.JAVASCRIPT, Files.readString(contribJs), Hook.NODATA, seconds);
    }

    private static void run(String label, Scripts.Language language, String source, Hook hook, double seconds) {
        try (ScriptHooks h = Scripts.fromSource(label, source, language, new ScriptOptions(Duration.ofSeconds(5), 1),
                ScriptEvents.NONE)) {
            DnsQuestion[] questions = new DnsQuestion[64];
            for (int i = 0; i < questions.length; i++) {
                questions[i] = new DnsQuestion(Name.fromConstantString("host" + i + ".example.org."),
                        hook == Hook.NODATA ? Type.AAAA : Type.A, 1, ComboAddress.parse("127.0.0." + (1 + i % 2) + ":5353"),
                        ComboAddress.parse("127.0.0.1:53"), false, new DNSHeader(new Header(i)), Map.of(), false);
            }
            measure(h, hook, questions, Math.max(2, seconds)); // warm-up
            double[] rounds = new double[5];
            for (int r = 0; r < rounds.length; r++) {
                rounds[r] = measure(h, hook, questions, seconds);
            }
            java.util.Arrays.sort(rounds);
            System.out.printf("%-44s %,14.0f %,14.0f%n", label, rounds[rounds.length - 1], rounds[rounds.length / 2]);
        }
    }

    /** gettag as the event loop calls it: a non-blocking instance borrow per call. */
    private static void gettag(String label, Scripts.Language language, String source, double seconds) {
        try (ScriptHooks h = Scripts.fromSource(label, source, language, new ScriptOptions(Duration.ofSeconds(5), 1),
                ScriptEvents.NONE)) {
            ComboAddress remote = ComboAddress.parse("127.0.0.1:5353");
            ComboAddress local = ComboAddress.parse("127.0.0.1:53");
            net.gate64.scripting.api.DNSName qname = net.gate64.scripting.api.DNSName.parse("www.example.org");
            double[] rounds = new double[6];
            for (int r = 0; r < rounds.length; r++) {
                long end = System.nanoTime() + (long) (seconds * 1e9);
                long calls = 0;
                long start = System.nanoTime();
                long now = start;
                while (now < end) {
                    for (int i = 0; i < 256; i++) {
                        h.gettag(remote, local, qname, Type.A, false);
                        calls++;
                    }
                    now = System.nanoTime();
                }
                rounds[r] = calls / ((now - start) / 1e9);
            }
            rounds[0] = 0; // warm-up
            java.util.Arrays.sort(rounds);
            System.out.printf("%-44s %,14.0f %,14.0f%n", label, rounds[rounds.length - 1], rounds[3]);
        }
    }

    private static double measure(ScriptHooks h, Hook hook, DnsQuestion[] questions, double seconds) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long calls = 0;
        long start = System.nanoTime();
        long now = start;
        while (now < end) {
            for (int i = 0; i < 256; i++) {
                DnsQuestion dq = questions[(int) (calls & 63)];
                dq.prepare(0, java.util.List.of(), 0);
                h.call(hook, dq);
                calls++;
            }
            now = System.nanoTime();
        }
        return calls / ((now - start) / 1e9);
    }
}
