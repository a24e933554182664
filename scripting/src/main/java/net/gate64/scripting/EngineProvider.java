package net.gate64.scripting;

/**
 * A script engine, found through {@link java.util.ServiceLoader} ({@code META-INF/services}): {@link Scripts} picks
 * one by language, so this package imports neither engine and the engines import only this package (no cycle).
 */
public interface EngineProvider {
    Scripts.Language language();

    /**
     * Compiles {@code source} and runs its top level once, confined by {@code sandbox}.
     *
     * @throws ScriptLoadError naming file:line on a syntax or load-time error
     */
    EngineInstance open(String name, String source, ScriptSandbox sandbox);
}
