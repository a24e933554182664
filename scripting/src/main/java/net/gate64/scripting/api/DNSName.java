package net.gate64.scripting.api;

import java.util.ArrayList;
import java.util.List;
import org.graalvm.polyglot.HostAccess.Export;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * The scripts' {@code DNSName} ({@code newDN("example.org")}, {@code dq.qname}): an absolute domain name compared
 * case-insensitively. Mutable only through {@link #chopOff()}, as in PowerDNS.
 */
public final class DNSName implements Comparable<DNSName> {
    private Name name;

    public DNSName(Name name) {
        this.name = name.isAbsolute() ? name : Name.fromConstantString(name + ".");
    }

    /** @throws IllegalArgumentException when the text is not a domain name */
    public static DNSName parse(String text) {
        try {
            return new DNSName(Name.fromString(text, Name.root));
        } catch (TextParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not a domain name: " + e.getMessage());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not a domain name");
        }
    }

    /** A DNSName from either a DNSName or a string, as the scripts pass them interchangeably. */
    public static DNSName of(Object o) {
        if (o instanceof DNSName d) {
            return d;
        }
        if (o instanceof String s) {
            return parse(s);
        }
        throw new IllegalArgumentException("expected a DNSName or a string, got " + (o == null ? "nil" : o.getClass().getSimpleName()));
    }

    public Name name() {
        return name;
    }

    /** Whether this name equals {@code zone} or lies below it. */
    @Export
    public boolean isPartOf(Object zone) {
        return name.subdomain(of(zone).name);
    }

    /** Case-insensitive equality with a string or DNSName ({@code dq.qname:equal("example.org")}). */
    @Export
    public boolean equal(Object other) {
        return name.equals(of(other).name);
    }

    /** Labels without the root: {@code www.example.org.} has 3. */
    @Export
    public int countLabels() {
        return name.labels() - 1;
    }

    @Export
    public int wireLength() {
        return name.length();
    }

    /** Removes the leftmost label; false (and no change) for the root. */
    @Export
    public boolean chopOff() {
        if (name.labels() <= 1) {
            return false;
        }
        name = new Name(name, 1);
        return true;
    }

    /** The labels left to right, without the root. */
    @Export
    public List<String> getRawLabels() {
        List<String> out = new ArrayList<>(name.labels() - 1);
        for (int i = 0; i < name.labels() - 1; i++) {
            out.add(name.getLabelString(i));
        }
        return out;
    }

    /** This name relative to {@code zone} (no trailing dot), or the whole name when it is not below it. */
    @Export
    public String makeRelative(Object zone) {
        Name z = of(zone).name;
        return name.subdomain(z) ? name.relativize(z).toString() : toStringNoDot();
    }

    /** Whether this name sorts before {@code other} in DNSSEC canonical order (RFC 4034 §6.1). */
    @Export
    public boolean canonCompare(Object other) {
        return name.compareTo(of(other).name) < 0;
    }

    @Export
    @Override
    public String toString() {
        return name.toString();
    }

    @Export
    public String toStringNoDot() {
        return name.equals(Name.root) ? "." : name.toString(true);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DNSName d && d.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public int compareTo(DNSName o) {
        return name.compareTo(o.name);
    }
}
