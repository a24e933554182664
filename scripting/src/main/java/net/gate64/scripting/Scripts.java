package net.gate64.scripting;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Loads a hook script; the file name picks the engine: {@code .js} is JavaScript, anything else Lua. The engines are
 * {@link EngineProvider}s found on the class path (both ship in this module).
 */
public final class Scripts {
    private static final Map<Language, EngineProvider> ENGINES = engines();

    private Scripts() {}

    private static Map<Language, EngineProvider> engines() {
        Map<Language, EngineProvider> m = new EnumMap<>(Language.class);
        for (EngineProvider p : ServiceLoader.load(EngineProvider.class, Scripts.class.getClassLoader())) {
            m.putIfAbsent(p.language(), p);
        }
        return m;
    }

    public enum Language { LUA, JAVASCRIPT }

    public static Language languageOf(Path file) {
        return file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".js")
                ? Language.JAVASCRIPT : Language.LUA;
    }

    /**
     * Reads, compiles and runs the script's top level once.
     *
     * @throws ScriptLoadError naming file:line on a syntax or load-time error, or the file when it cannot be read
     */
    public static ScriptHooks load(Path file, ScriptOptions options, ScriptEvents events) {
        String source;
        try {
            source = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw new ScriptLoadError("cannot read script " + file + ": " + e.getMessage());
        }
        return fromSource(file.toString(), source, languageOf(file), options, events);
    }

    /** The same from text in memory ({@code name} stands for the file in messages). */
    public static ScriptHooks fromSource(String name, String source, Language language, ScriptOptions options,
                                         ScriptEvents events) {
        EngineProvider engine = ENGINES.get(language);
        if (engine == null) {
            throw new ScriptLoadError("cannot load " + name + ": no " + label(language) + " engine on the class path");
        }
        return new PooledScript(name + " (" + label(language) + ")", () -> engine.open(name, source, options.sandbox()),
                options, events);
    }

    private static String label(Language language) {
        return language == Language.LUA ? "Lua" : "JavaScript";
    }
}
