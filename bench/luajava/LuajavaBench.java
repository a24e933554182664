import java.util.Map;
import net.gate64.scripting.DnsQuestion;
import net.gate64.scripting.api.ComboAddress;
import net.gate64.scripting.api.DNSHeader;
import net.gate64.scripting.api.DNSName;
import org.xbill.DNS.Header;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;
import party.iroiro.luajava.Lua;
import party.iroiro.luajava.luajit.LuaJit;

/**
 * Native LuaJIT through luajava (party.iroiro.luajava 4.0.2), for the engine comparison in docs/scripting.md only:
 * gate64 does not use it. Calls a preresolve(dq) with gate64's own dq object; luajava reaches Java fields and methods
 * by reflection. Run by bench/luajava.sh.
 */
public class LuajavaBench {
    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        run("LuaJIT/luajava preresolve: return false", "function preresolve(dq) return false end", seconds);
        run("LuaJIT/luajava preresolve: dq.qtype, qname:isPartOf", """
                zone = java.import("net.gate64.scripting.api.DNSName"):parse("blocked.example")
                function preresolve(dq)
                  if dq.qtype == 1 and dq.qname:isPartOf(zone) then
                    dq.rcode = 3
                    return true
                  end
                  return false
                end
                """, seconds);
    }

    static void run(String label, String script, double seconds) throws Exception {
        try (Lua L = new LuaJit()) {
            L.openLibraries();
            L.run(script);
            DnsQuestion dq = new DnsQuestion(Name.fromConstantString("www.example.org."), Type.A, 1,
                    ComboAddress.parse("127.0.0.1:5353"), ComboAddress.parse("127.0.0.1:53"), false,
                    new DNSHeader(new Header(1)), Map.of(), false);
            measure(L, dq, Math.max(2, seconds));
            double[] rounds = new double[5];
            for (int r = 0; r < rounds.length; r++) {
                rounds[r] = measure(L, dq, seconds);
            }
            java.util.Arrays.sort(rounds);
            System.out.printf("%-52s %,14.0f %,14.0f%n", label, rounds[4], rounds[2]);
        }
    }

    static double measure(Lua L, DnsQuestion dq, double seconds) throws Exception {
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long calls = 0;
        long now = start;
        while (now < end) {
            for (int i = 0; i < 256; i++) {
                L.getGlobal("preresolve");
                L.push(dq, Lua.Conversion.NONE);
                L.pCall(1, 1);
                L.toBoolean(-1);
                L.pop(1);
                calls++;
            }
            now = System.nanoTime();
        }
        return calls / ((now - start) / 1e9);
    }
}
