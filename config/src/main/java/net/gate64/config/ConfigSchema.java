package net.gate64.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.util.Set;
import java.util.TreeSet;

/**
 * One program's settings: the reference file on the class path that holds every key with its default (the only
 * definition of which keys exist), and the file the operator reads for their documentation.
 *
 * @param resource     class-path resource, e.g. {@code gate64-recursor.conf}
 * @param documentedIn shown in unknown-key errors, e.g. {@code conf/recursor.conf}
 * @param section      the program's section in a file that holds both programs' settings ({@code recursor { }},
 *                     {@code nat64 { }}; see {@link ConfigLoader#SECTIONS}), or null for a program that has none
 */
public record ConfigSchema(ClassLoader loader, String resource, String documentedIn, String section) {
    /** A schema whose settings never live in a section of a shared file. */
    public ConfigSchema(ClassLoader loader, String resource, String documentedIn) {
        this(loader, resource, documentedIn, null);
    }

    /** The reference settings: every key with its default. */
    Config reference() {
        try {
            return ConfigFactory.parseResources(loader, resource, ConfigParseOptions.defaults().setAllowMissing(false));
        } catch (ConfigException e) {
            throw new IllegalStateException("built-in settings " + resource + " do not load: " + e.getMessage(), e);
        }
    }

    /** Every setting's name, sorted. */
    public Set<String> keys() {
        return new TreeSet<>(reference().root().keySet());
    }
}
