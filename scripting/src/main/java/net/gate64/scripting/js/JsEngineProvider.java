package net.gate64.scripting.js;

import net.gate64.scripting.EngineInstance;
import net.gate64.scripting.EngineProvider;
import net.gate64.scripting.ScriptSandbox;
import net.gate64.scripting.Scripts;

/** JavaScript (GraalJS), for {@link Scripts}. */
public final class JsEngineProvider implements EngineProvider {
    @Override
    public Scripts.Language language() {
        return Scripts.Language.JAVASCRIPT;
    }

    @Override
    public EngineInstance open(String name, String source, ScriptSandbox sandbox) {
        return new JsInstance(name, source, sandbox);
    }
}
