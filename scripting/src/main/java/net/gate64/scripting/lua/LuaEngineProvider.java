package net.gate64.scripting.lua;

import net.gate64.scripting.EngineInstance;
import net.gate64.scripting.EngineProvider;
import net.gate64.scripting.ScriptSandbox;
import net.gate64.scripting.Scripts;

/** Lua (LuaJ), for {@link Scripts}. */
public final class LuaEngineProvider implements EngineProvider {
    @Override
    public Scripts.Language language() {
        return Scripts.Language.LUA;
    }

    @Override
    public EngineInstance open(String name, String source, ScriptSandbox sandbox) {
        return new LuaInstance(name, source, sandbox);
    }
}
