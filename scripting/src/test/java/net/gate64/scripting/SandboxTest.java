package net.gate64.scripting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import net.gate64.scripting.js.JsInstance;
import net.gate64.scripting.lua.LuaInstance;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every way out of a hook script we know of, tried in both languages against the default sandbox: each attempt must
 * fail (the script's top level raises, so the load is refused) and leave the file system as it was. Then what
 * PowerDNS scripts legitimately do (time, environment, reading an allow-listed file) must keep working, and the open
 * setting must really open. Written at the attack reproduced in issue 10: a one-line script that ran {@code id}.
 */
class SandboxTest {
    @TempDir
    static Path dir;
    static Path victim;   // a file the script must neither read, change nor delete
    static Path marker;   // a file that appears only if an escape worked
    static Path allowed;  // the allow-listed directory

    @BeforeEach
    void files() throws IOException {
        victim = dir.resolve("victim.txt");
        Files.writeString(victim, "secret");
        Files.writeString(dir.resolve("victim.lua"), "x = 1");
        Files.writeString(dir.resolve("victim.js"), "var x = 1;");
        marker = dir.resolve("marker");
        Files.deleteIfExists(marker);
        allowed = dir.resolve("allowed");
        Files.createDirectories(allowed);
        Files.writeString(allowed.resolve("data.txt"), "hello\nworld\n");
        Files.writeString(allowed.resolve("helper.lua"), "return { answer = 42 }");
        Files.writeString(allowed.resolve("helper.js"), "var helperAnswer = 42;");
        Path link = allowed.resolve("link.txt");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, victim);
    }

    static String fill(String code) {
        return code.replace("VICTIM_LUA", dir.resolve("victim.lua").toString())
                .replace("VICTIM_JS", dir.resolve("victim.js").toString())
                .replace("VICTIM", victim.toString())
                .replace("MARKER", marker.toString())
                .replace("ALLOWED", allowed.toString())
                .replace("DIR", dir.toString());
    }

    static Stream<Arguments> luaEscapes() {
        return Stream.of(
                Arguments.of("io.popen runs a command", "io.popen('touch MARKER')"),
                Arguments.of("io.open for writing", "assert(io.open('MARKER', 'w')):write('x')"),
                Arguments.of("io.open for appending", "assert(io.open('VICTIM', 'a')):write('x')"),
                Arguments.of("io.open for update", "assert(io.open('VICTIM', 'r+')):write('x')"),
                Arguments.of("io.open reads outside the allow-list", "assert(io.open('VICTIM')):read('*a')"),
                Arguments.of("a symlink inside the allow-list to outside", "assert(io.open('ALLOWED/link.txt')):read('*a')"),
                Arguments.of("io.lines outside the allow-list", "for l in io.lines('VICTIM') do end"),
                Arguments.of("io.output redirects writes", "io.output('MARKER'); io.write('x')"),
                Arguments.of("io.write to stdout", "io.write('x')"),
                Arguments.of("io.read from stdin", "io.read()"),
                Arguments.of("io.tmpfile", "io.tmpfile()"),
                Arguments.of("io.close of stdout", "io.close()"),
                Arguments.of("os.execute", "os.execute('touch MARKER')"),
                Arguments.of("os.remove", "os.remove('VICTIM')"),
                Arguments.of("os.rename", "os.rename('VICTIM', 'MARKER')"),
                Arguments.of("os.tmpname", "os.tmpname()"),
                Arguments.of("os.exit", "os.exit(3)"),
                Arguments.of("dofile outside the allow-list", "dofile('VICTIM_LUA')"),
                Arguments.of("loadfile outside the allow-list", "assert(loadfile('VICTIM_LUA'))()"),
                Arguments.of("require of a Lua file outside the allow-list",
                        "package.path = 'DIR/?.lua'; require('victim')"),
                Arguments.of("require of a Java class (luajava)",
                        "require('org.luaj.vm2.lib.jse.LuajavaLib'); luajava.bindClass('java.lang.Runtime')"),
                Arguments.of("luajava global", "luajava.bindClass('java.lang.Runtime')"),
                Arguments.of("package.loadlib", "package.loadlib('libc.so.6', 'system')"),
                Arguments.of("debug library", "debug.getregistry()"),
                Arguments.of("the original io through package.loaded", "package.loaded.io.popen('touch MARKER')"),
                Arguments.of("a precompiled chunk", "assert(load(string.dump(function() return 1 end)))()"));
    }

    static Stream<Arguments> jsEscapes() {
        return Stream.of(
                Arguments.of("Java.type", "Java.type('java.lang.Runtime').getRuntime().exec(['touch', 'MARKER'])"),
                Arguments.of("Packages", "Packages.java.lang.Runtime.getRuntime().exec('touch MARKER')"),
                Arguments.of("java global", "java.lang.System.exit(3)"),
                Arguments.of("reflection from an exported object",
                        "newDN('example.org').getClass().forName('java.lang.Runtime')"),
                Arguments.of("load outside the allow-list", "load('VICTIM_JS')"),
                Arguments.of("a symlink inside the allow-list to outside", "load('ALLOWED/link.txt')"),
                Arguments.of("shell read()", "read('VICTIM')"),
                Arguments.of("Polyglot.eval of another language", "Polyglot.eval('python', '1')"),
                Arguments.of("require (CommonJS)", "require('fs').writeFileSync('MARKER', 'x')"),
                Arguments.of("process", "process.exit(3)"));
    }

    @ParameterizedTest(name = "Lua: {0}")
    @MethodSource("luaEscapes")
    void luaEscapeIsRefused(String what, String code) throws IOException {
        sandboxed(() -> new LuaInstance("escape.lua", fill(code), sandbox()).close());
    }

    @ParameterizedTest(name = "JavaScript: {0}")
    @MethodSource("jsEscapes")
    void javaScriptEscapeIsRefused(String what, String code) throws IOException {
        sandboxed(() -> new JsInstance("escape.js", fill(code), sandbox()).close());
    }

    static ScriptSandbox sandbox() {
        return new ScriptSandbox(true, List.of(allowed));
    }

    private static void sandboxed(Runnable load) throws IOException {
        assertThrows(ScriptLoadError.class, load::run, "the attempt must raise, refusing the script");
        assertFalse(Files.exists(marker), "nothing was created");
        assertEquals("secret", Files.readString(victim), "nothing was changed or deleted");
    }

    @Test
    void luaKeepsWhatPowerDnsScriptsUse() {
        new LuaInstance("ok.lua", fill("""
                assert(type(os.time()) == 'number')
                assert(type(os.date('%Y')) == 'string')
                assert(type(os.clock()) == 'number')
                assert(os.difftime(2, 1) == 1)
                os.getenv('HOME')
                local f = assert(io.open('ALLOWED/data.txt'))
                assert(f:read('*l') == 'hello')
                f:close()
                local n = 0
                for l in io.lines('ALLOWED/data.txt') do n = n + 1 end
                assert(n == 2)
                package.path = 'ALLOWED/?.lua'
                assert(require('helper').answer == 42)
                assert(dofile('ALLOWED/helper.lua').answer == 42)
                assert(load('return 7')() == 7)
                assert(io.type(io.open('ALLOWED/data.txt')) == 'file')
                """), sandbox()).close();
    }

    @Test
    void javaScriptKeepsLoadOfAllowListedFiles() {
        new JsInstance("ok.js", fill("""
                load('ALLOWED/helper.js');
                if (helperAnswer !== 42) throw new Error('not loaded');
                """), sandbox()).close();
    }

    @Test
    void theDefaultSandboxReadsNothing() {
        assertThrows(ScriptLoadError.class,
                () -> new LuaInstance("ok.lua", fill("assert(io.open('ALLOWED/data.txt'))"), ScriptSandbox.STRICT));
        assertThrows(ScriptLoadError.class,
                () -> new JsInstance("ok.js", fill("load('ALLOWED/helper.js')"), ScriptSandbox.STRICT));
    }

    @Test
    void openSandboxIsDeliberatelyOpenButNeverExits() throws IOException {
        new LuaInstance("open.lua", fill("assert(io.open('MARKER', 'w')):write('x')"), ScriptSandbox.OPEN).close();
        assertTrue(Files.exists(marker));
        assertThrows(ScriptLoadError.class, () -> new LuaInstance("open.lua", "os.exit(3)", ScriptSandbox.OPEN));
        new JsInstance("open.js", fill("load('VICTIM_JS')"), ScriptSandbox.OPEN).close();
        assertThrows(ScriptLoadError.class, () -> new JsInstance("open.js",
                "Java.type('java.lang.Runtime')", ScriptSandbox.OPEN), "no Java classes even when open");
    }
}
