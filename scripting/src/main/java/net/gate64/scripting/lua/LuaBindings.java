package net.gate64.scripting.lua;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import net.gate64.scripting.DnsQuestion;
import net.gate64.scripting.ScriptLog;
import net.gate64.scripting.ScriptRecord;
import net.gate64.scripting.api.ComboAddress;
import net.gate64.scripting.api.DNSHeader;
import net.gate64.scripting.api.DNSName;
import net.gate64.scripting.api.DomainSet;
import net.gate64.scripting.api.Netmask;
import net.gate64.scripting.api.NetmaskGroup;
import net.gate64.scripting.api.Pdns;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The PowerDNS API in one Lua state: the {@code pdns} table, the constructors ({@code newDN}, {@code newCA},
 * {@code newNetmask}, {@code newNMG}, {@code newDS}), {@code pdnslog}, and metatables that make the Java objects
 * behave like PowerDNS's userdata ({@code dq.qname:isPartOf(...)}, {@code dq.variable = true}, {@code tostring(x)}).
 */
final class LuaBindings {
    @FunctionalInterface
    private interface Body {
        Object apply(Varargs args);
    }

    private final LuaTable dnsNameMeta = new LuaTable();
    private final LuaTable comboMeta = new LuaTable();
    private final LuaTable netmaskMeta = new LuaTable();
    private final LuaTable nmgMeta = new LuaTable();
    private final LuaTable domainSetMeta = new LuaTable();
    private final LuaTable headerMeta = new LuaTable();
    private final LuaTable recordMeta = new LuaTable();
    private final LuaTable dqMeta = new LuaTable();
    private final LuaTable dqMethods = new LuaTable();
    private final LuaTable recordMethods = new LuaTable();

    LuaBindings(Globals g) {
        objectMeta(dnsNameMeta, DNSName.class, "isPartOf", "equal", "countLabels", "wireLength", "chopOff", "getRawLabels",
                "makeRelative", "canonCompare", "toString", "toStringNoDot");
        dnsNameMeta.get(LuaValue.INDEX).set("wirelength", dnsNameMeta.get(LuaValue.INDEX).get("wireLength"));
        dnsNameMeta.set(LuaValue.LT, fn(a -> self(a, DNSName.class).compareTo(self(a.subargs(2), DNSName.class)) < 0));
        dnsNameMeta.set(LuaValue.LE, fn(a -> self(a, DNSName.class).compareTo(self(a.subargs(2), DNSName.class)) <= 0));
        objectMeta(comboMeta, ComboAddress.class, "isIPv4", "isIPv6", "getPort", "isMappedIPv4", "mapToIPv4", "truncate",
                "getRaw", "equal", "toString", "toStringWithPort", "toStringNoInterface");
        // The methods hooks call most, bound directly rather than through the reflective dispatcher.
        LuaTable dn = (LuaTable) dnsNameMeta.get(LuaValue.INDEX);
        dn.set("isPartOf", fn(a -> self(a, DNSName.class).isPartOf(unwrap(a.arg(2)))));
        dn.set("equal", fn(a -> self(a, DNSName.class).equal(unwrap(a.arg(2)))));
        dn.set("countLabels", fn(a -> self(a, DNSName.class).countLabels()));
        dn.set("toString", fn(a -> self(a, DNSName.class).toString()));
        LuaTable ca = (LuaTable) comboMeta.get(LuaValue.INDEX);
        ca.set("toString", fn(a -> self(a, ComboAddress.class).toString()));
        ca.set("getPort", fn(a -> self(a, ComboAddress.class).getPort()));
        ca.set("isIPv4", fn(a -> self(a, ComboAddress.class).isIPv4()));
        ca.set("isIPv6", fn(a -> self(a, ComboAddress.class).isIPv6()));
        // binary strings: Lua strings are bytes, so hand over the bytes (a Java String would be UTF-8 encoded)
        comboMeta.get(LuaValue.INDEX).set("getRaw", fn(a -> LuaValue.valueOf(self(a, ComboAddress.class).bytes())));
        objectMeta(netmaskMeta, Netmask.class, "match", "getBits", "getNetwork", "getMaskedNetwork", "isIPv4", "isIpv4",
                "isIPv6", "isIpv6", "empty", "toString");
        objectMeta(nmgMeta, NetmaskGroup.class, "addMask", "addMasks", "match", "size", "toString", "tostring");
        ((LuaTable) nmgMeta.get(LuaValue.INDEX)).set("match", fn(a -> self(a, NetmaskGroup.class).match(unwrap(a.arg(2)))));
        ((LuaTable) netmaskMeta.get(LuaValue.INDEX)).set("match", fn(a -> self(a, Netmask.class).match(unwrap(a.arg(2)))));
        objectMeta(domainSetMeta, DomainSet.class, "add", "check", "toString");
        ((LuaTable) domainSetMeta.get(LuaValue.INDEX)).set("check", fn(a -> self(a, DomainSet.class).check(unwrap(a.arg(2)))));
        objectMeta(headerMeta, DNSHeader.class, "getRD", "getAA", "getAD", "getCD", "getTC", "getRA", "getQR", "getRCODE",
                "getOPCODE", "getID", "getQDCOUNT", "getANCOUNT", "getNSCOUNT", "getARCOUNT");
        recordMethods.set("getContent", fn(a -> self(a, ScriptRecord.class).getContent()));
        recordMethods.set("getCA", fn(a -> self(a, ScriptRecord.class).getCA()));
        recordMethods.set("changeContent", fn(a -> {
            self(a, ScriptRecord.class).changeContent(a.checkjstring(2));
            return null;
        }));
        recordMeta.set(LuaValue.INDEX, fn(a -> recordField(self(a, ScriptRecord.class), a.checkjstring(2))));
        recordMeta.set(LuaValue.NEWINDEX, fn(a -> {
            setRecordField(self(a, ScriptRecord.class), a.checkjstring(2), a.arg(3));
            return null;
        }));
        recordMeta.set(LuaValue.TOSTRING, fn(a -> self(a, ScriptRecord.class).toString()));
        dqMethods();
        dqMeta.set(LuaValue.INDEX, fn(a -> dqField(self(a, DnsQuestion.class), a.checkjstring(2))));
        dqMeta.set(LuaValue.NEWINDEX, fn(a -> {
            setDqField(self(a, DnsQuestion.class), a.checkjstring(2), a.arg(3));
            return null;
        }));
        globals(g);
    }

    private void globals(Globals g) {
        g.set("pdns", table(Pdns.table()));
        g.set("newDN", fn(a -> DNSName.parse(a.checkjstring(1))));
        g.set("newCA", fn(a -> ComboAddress.parse(a.checkjstring(1))));
        g.set("newNetmask", fn(a -> Netmask.parse(a.checkjstring(1))));
        g.set("newNMG", fn(a -> {
            NetmaskGroup nmg = new NetmaskGroup();
            if (a.istable(1)) {
                nmg.addMasks(strings(a.checktable(1)));
            }
            return nmg;
        }));
        g.set("newDS", fn(a -> {
            DomainSet ds = new DomainSet();
            if (!a.isnil(1)) {
                ds.add(unwrap(a.arg(1)));
            }
            return ds;
        }));
        g.set("pdnslog", fn(a -> {
            ScriptLog.log(a.arg(1).tojstring(), a.isnumber(2) ? a.toint(2) : 4);
            return null;
        }));
        g.set("pdnsrandom", fn(a -> a.isnumber(1) && a.toint(1) > 0
                ? ThreadLocalRandom.current().nextInt(a.toint(1)) : ThreadLocalRandom.current().nextInt() & 0x7fffffff));
        LuaTable features = new LuaTable();
        features.set("PR8001_devicename", LuaValue.TRUE);
        g.set("pdns_features", features);
    }

    /** A metatable whose methods call the same-named public no-surprise Java methods of {@code type}. */
    private void objectMeta(LuaTable meta, Class<?> type, String... methods) {
        LuaTable index = new LuaTable();
        for (String m : methods) {
            index.set(m, reflective(type, m));
        }
        meta.set(LuaValue.INDEX, index);
        meta.set(LuaValue.TOSTRING, fn(a -> a.checkuserdata(1, type).toString()));
        meta.set(LuaValue.EQ, fn(a -> a.arg(1).touserdata().equals(a.arg(2).touserdata())));
    }

    /** Dispatches by argument count to the Java method of that name; methods are few and not overloaded by type. */
    private LuaFunction reflective(Class<?> type, String name) {
        List<java.lang.reflect.Method> candidates = new ArrayList<>();
        for (java.lang.reflect.Method m : type.getMethods()) {
            if (m.getName().equals(name)) {
                candidates.add(m);
            }
        }
        if (candidates.isEmpty()) {
            throw new IllegalStateException(type + " has no method " + name);
        }
        return fn(a -> {
            Object self = self(a, type);
            int argc = a.narg() - 1;
            for (java.lang.reflect.Method m : candidates) {
                if (m.getParameterCount() == argc) {
                    Object[] args = new Object[argc];
                    Class<?>[] types = m.getParameterTypes();
                    for (int i = 0; i < argc; i++) {
                        args[i] = coerce(a.arg(i + 2), types[i]);
                    }
                    try {
                        return m.invoke(self, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause() instanceof RuntimeException r ? r : new IllegalArgumentException(e.getCause());
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
            throw new IllegalArgumentException(name + " does not take " + argc + " argument(s)");
        });
    }

    private Object coerce(LuaValue v, Class<?> type) {
        if (type == int.class) {
            return v.checkint();
        }
        if (type == long.class) {
            return v.checklong();
        }
        if (type == boolean.class) {
            return v.toboolean();
        }
        if (type == String.class) {
            return v.checkjstring();
        }
        if (type == List.class) {
            return strings(v.checktable());
        }
        Object o = unwrap(v);
        if (o != null && !type.isInstance(o)) {
            throw new IllegalArgumentException("expected " + type.getSimpleName() + ", got " + v.typename());
        }
        return o;
    }

    private void dqMethods() {
        dqMethods.set("addAnswer", fn(a -> {
            DnsQuestion dq = self(a, DnsQuestion.class);
            dq.addAnswer(a.checkint(2), a.checkjstring(3), a.optlong(4, 3600), unwrap(a.arg(5)));
            return null;
        }));
        dqMethods.set("addRecord", fn(a -> {
            DnsQuestion dq = self(a, DnsQuestion.class);
            dq.addRecord(a.checkint(2), a.checkjstring(3), a.checkint(4), a.optlong(5, 3600), unwrap(a.arg(6)));
            return null;
        }));
        dqMethods.set("getRecords", fn(a -> self(a, DnsQuestion.class).getRecords()));
        dqMethods.set("setRecords", fn(a -> {
            LuaTable t = a.checktable(2);
            List<ScriptRecord> records = new ArrayList<>();
            for (int i = 1; i <= t.length(); i++) {
                records.add((ScriptRecord) t.get(i).checkuserdata(ScriptRecord.class));
            }
            self(a, DnsQuestion.class).setRecords(records);
            return null;
        }));
        dqMethods.set("getEDNSOption", fn(a -> {
            byte[] b = self(a, DnsQuestion.class).ednsOptions().get(a.checkint(2));
            return b == null ? null : LuaValue.valueOf(b);
        }));
        dqMethods.set("getEDNSOptions", fn(a -> {
            LuaTable t = new LuaTable();
            for (Map.Entry<Integer, byte[]> e : self(a, DnsQuestion.class).ednsOptions().entrySet()) {
                t.set(e.getKey(), LuaValue.valueOf(e.getValue()));
            }
            return t;
        }));
        dqMethods.set("getEDNSFlag", fn(a -> self(a, DnsQuestion.class).getEDNSFlag(a.checkjstring(2))));
        dqMethods.set("getEDNSFlags", fn(a -> self(a, DnsQuestion.class).getEDNSFlags()));
        dqMethods.set("getDH", fn(a -> self(a, DnsQuestion.class).getDH()));
    }

    private Object dqField(DnsQuestion dq, String key) {
        return switch (key) {
            case "qname" -> dq.qname;
            case "qtype" -> dq.qtype;
            case "qclass" -> dq.qclass;
            case "rcode" -> dq.rcode;
            case "remoteaddr", "interface_remoteaddr" -> dq.remoteaddr;
            case "localaddr", "interface_localaddr" -> dq.localaddr;
            case "isTcp" -> dq.isTcp;
            case "variable" -> dq.variable;
            case "validationState", "detailedValidationState" -> dq.validationState;
            case "followupFunction" -> dq.followupFunction;
            case "followupPrefix" -> dq.followupPrefix;
            case "followupName" -> dq.followupName;
            case "data" -> dq.data == null ? initData(dq) : dq.data;
            case "tag" -> dq.tag;
            default -> dqMethods.get(key);
        };
    }

    /** PowerDNS gives every query an empty data table, so {@code dq.data.x = 1} works without setup. */
    private static LuaTable initData(DnsQuestion dq) {
        LuaTable t = new LuaTable();
        dq.data = t;
        return t;
    }

    private void setDqField(DnsQuestion dq, String key, LuaValue v) {
        switch (key) {
            case "rcode" -> dq.rcode = v.checkint();
            case "variable" -> dq.variable = v.toboolean();
            case "followupFunction" -> dq.followupFunction = v.isnil() ? null : v.checkjstring();
            case "followupPrefix" -> dq.followupPrefix = v.isnil() ? null : v.checkjstring();
            case "followupName" -> {
                if (!v.isnil() && !(v.isuserdata(DNSName.class))) {
                    throw new LuaError("followupName must be a DNSName (dq.qname or newDN(...)), not a " + v.typename());
                }
                dq.followupName = v.isnil() ? null : (DNSName) v.touserdata();
            }
            case "data" -> dq.data = v;
            case "tag" -> dq.tag = v.checkint();
            case "qname", "qtype", "qclass", "isTcp" -> { } // PowerDNS ignores these assignments silently
            default -> throw new LuaError("dq has no writable field '" + key + "'");
        }
    }

    private Object recordField(ScriptRecord r, String key) {
        return switch (key) {
            case "name" -> r.name;
            case "type" -> r.type;
            case "ttl" -> r.ttl;
            case "place" -> r.place;
            default -> recordMethods.get(key);
        };
    }

    private void setRecordField(ScriptRecord r, String key, LuaValue v) {
        switch (key) {
            case "name" -> r.name = DNSName.of(unwrap(v));
            case "type" -> r.type = v.checkint();
            case "ttl" -> r.ttl = v.checklong();
            case "place" -> r.place = v.checkint();
            default -> throw new LuaError("DNSRecord has no field '" + key + "'");
        }
    }

    /** A Java value as Lua sees it. */
    LuaValue wrap(Object o) {
        if (o == null) {
            return LuaValue.NIL;
        }
        if (o instanceof LuaValue v) {
            return v;
        }
        if (o instanceof Boolean b) {
            return LuaValue.valueOf(b);
        }
        if (o instanceof Integer i) {
            return LuaValue.valueOf(i);
        }
        if (o instanceof Long l) {
            return LuaValue.valueOf(l.doubleValue());
        }
        if (o instanceof String s) {
            return LuaValue.valueOf(s);
        }
        if (o instanceof DNSName) {
            return new LuaUserdata(o, dnsNameMeta);
        }
        if (o instanceof ComboAddress) {
            return new LuaUserdata(o, comboMeta);
        }
        if (o instanceof DnsQuestion) {
            return new LuaUserdata(o, dqMeta);
        }
        if (o instanceof ScriptRecord) {
            return new LuaUserdata(o, recordMeta);
        }
        if (o instanceof Netmask) {
            return new LuaUserdata(o, netmaskMeta);
        }
        if (o instanceof NetmaskGroup) {
            return new LuaUserdata(o, nmgMeta);
        }
        if (o instanceof DomainSet) {
            return new LuaUserdata(o, domainSetMeta);
        }
        if (o instanceof DNSHeader) {
            return new LuaUserdata(o, headerMeta);
        }
        if (o instanceof List<?> list) {
            LuaTable t = new LuaTable(list.size(), 0);
            for (int i = 0; i < list.size(); i++) {
                t.set(i + 1, wrap(list.get(i)));
            }
            return t;
        }
        if (o instanceof Map<?, ?> map) {
            return table(map);
        }
        throw new IllegalArgumentException("no Lua form for " + o.getClass().getSimpleName());
    }

    /** A Lua value as Java sees it: userdata → its object, strings, numbers, booleans; tables of strings → List. */
    static Object unwrap(LuaValue v) {
        if (v.isnil()) {
            return null;
        }
        if (v.isuserdata()) {
            return v.touserdata();
        }
        if (v.type() == LuaValue.TSTRING) {
            return v.tojstring();
        }
        if (v.isnumber()) {
            return v.isinttype() ? (Object) v.toint() : (Object) v.todouble();
        }
        if (v.isboolean()) {
            return v.toboolean();
        }
        if (v.istable()) {
            return strings(v.checktable());
        }
        throw new LuaError("unexpected " + v.typename());
    }

    private static List<String> strings(LuaTable t) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= t.length(); i++) {
            out.add(t.get(i).checkjstring());
        }
        return out;
    }

    private LuaTable table(Map<?, ?> map) {
        LuaTable t = new LuaTable();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            t.set((String) e.getKey(), wrap(e.getValue()));
        }
        return t;
    }

    private static <T> T self(Varargs a, Class<T> type) {
        LuaValue v = a.arg(1);
        if (!v.isuserdata(type)) {
            throw new LuaError("expected a " + type.getSimpleName() + " (call methods with ':'), got " + v.typename());
        }
        return type.cast(v.touserdata());
    }

    /** A Lua function around Java code; Java argument errors become Lua errors, which carry the script's file:line. */
    private LuaFunction fn(Body body) {
        return new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                try {
                    return wrap(body.apply(args));
                } catch (IllegalArgumentException | ClassCastException e) {
                    throw new LuaError(e.getMessage());
                }
            }
        };
    }
}
