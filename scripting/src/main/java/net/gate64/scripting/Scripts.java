package net.gate64.scripting;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import net.gate64.scripting.js.JsInstance;
import net.gate64.scripting.lua.LuaInstance;

/** Loads a hook script; the file name picks the engine: {@code .js} is JavaScript, anything else Lua. */
public final class Scripts {
    private Scripts() {}

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
        return switch (language) {
            case LUA -> new PooledScript(name + " (Lua)", () -> new LuaInstance(name, source, options.sandbox()), options, events);
            case JAVASCRIPT -> new PooledScript(name + " (JavaScript)", () -> new JsInstance(name, source, options.sandbox()),
                    options, events);
        };
    }
}
