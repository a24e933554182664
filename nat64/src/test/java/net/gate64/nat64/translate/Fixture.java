package net.gate64.nat64.translate;

import java.util.List;
import net.gate64.common.Nat64Prefix;
import net.gate64.common.EamTable;
import net.gate64.nat64.siit.Rfc6791Pool;
import net.gate64.nat64.siit.SiitMapper;
import net.gate64.nat64.testing.Wire;

/** A SIIT translator with pool6 2001:db8:64::/96, MTU 1500, gateway 192.0.2.1 / 2001:db8:64::c000:201. */
final class Fixture {
    static final String PREFIX = "2001:db8:64::";
    static final int GATEWAY4 = Wire.v4("192.0.2.1");
    static final byte[] GATEWAY6 = Wire.addr("2001:db8:64::c000:201");
    final Counters counters = new Counters();
    final TranslatorConfig config;
    final Translator6to4 to4;
    final Translator4to6 to6;
    final byte[] out = new byte[70000];

    Fixture() {
        this(1500, true, "2001:db8:64::/96", false);
    }

    Fixture(int mtu, boolean decrement, String prefix, boolean allowNonGlobal) {
        this(TranslatorConfig.of(mtu, decrement, GATEWAY4, GATEWAY6), prefix, allowNonGlobal);
    }

    Fixture(TranslatorConfig config) {
        this(config, "2001:db8:64::/96", false);
    }

    Fixture(TranslatorConfig config, String prefix, boolean allowNonGlobal) {
        Pool6 pool6 = new Pool6(List.of(Nat64Prefix.parse(prefix)), allowNonGlobal);
        SiitMapper mapper = new SiitMapper(pool6, new EamTable(List.of()), Rfc6791Pool.none(GATEWAY4, GATEWAY6));
        this.config = config;
        IcmpRateLimiter limiter = new IcmpRateLimiter(1000, 1000, System::nanoTime);
        to4 = new Translator6to4(mapper, config, limiter, counters);
        to6 = new Translator4to6(mapper, config, limiter, counters);
    }

    byte[] six2four(byte[] in) {
        int n = to4.translate(in, in.length, out);
        return Wire.slice(out, 0, n);
    }

    byte[] four2six(byte[] in) {
        int n = to6.translate(in, in.length, out);
        return Wire.slice(out, 0, n);
    }
}
