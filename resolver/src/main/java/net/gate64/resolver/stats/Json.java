package net.gate64.resolver.stats;

/** A small JSON writer for the stats endpoint: objects, arrays, strings, numbers; commas placed by itself. */
final class Json {
    private final StringBuilder sb = new StringBuilder(4096);
    private boolean first = true;

    Json open() {
        comma();
        sb.append('{');
        first = true;
        return this;
    }

    Json close() {
        sb.append('}');
        first = false;
        return this;
    }

    Json openArray() {
        comma();
        sb.append('[');
        first = true;
        return this;
    }

    Json closeArray() {
        sb.append(']');
        first = false;
        return this;
    }

    /** A key inside an object; the value follows. */
    Json key(String k) {
        comma();
        string(k);
        sb.append(':');
        first = true; // the value takes no comma
        return this;
    }

    Json value(String s) {
        comma();
        if (s == null) {
            sb.append("null");
        } else {
            string(s);
        }
        return this;
    }

    Json value(double d) {
        comma();
        if (!Double.isFinite(d)) {
            sb.append("null");
        } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            sb.append((long) d);
        } else {
            String t = Double.toString(d);
            sb.append(t.indexOf('E') < 0 ? t : new java.math.BigDecimal(t).stripTrailingZeros().toPlainString());
        }
        return this;
    }

    Json value(boolean b) {
        comma();
        sb.append(b);
        return this;
    }

    private void comma() {
        if (!first) {
            sb.append(',');
        }
        first = false;
    }

    private void string(String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '<' -> sb.append("\\u003c"); // never "</script>" inside a page, whatever the data
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    @Override
    public String toString() {
        return sb.toString();
    }
}
