package net.gate64.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    private static final ConfigSchema SCHEMA =
            new ConfigSchema(ConfigLoaderTest.class.getClassLoader(), "kernel-test.conf", "conf/test.conf");

    /** The same keys, read as the "recursor" section of a file shared by both programs. */
    private static final ConfigSchema IN_SECTION =
            new ConfigSchema(ConfigLoaderTest.class.getClassLoader(), "kernel-test.conf", "conf/test.conf", "recursor");

    @TempDir
    Path dir;

    private Path write(String text) throws Exception {
        Path f = dir.resolve("my.conf");
        Files.writeString(f, text);
        return f;
    }

    private ConfigError refused(Path file, String... overrides) {
        return assertThrows(ConfigError.class, () -> ConfigLoader.load(SCHEMA, file, List.of(overrides)));
    }

    @Test
    void layersDefaultsFileAndOverrides() throws Exception {
        ConfigReader c = ConfigLoader.load(SCHEMA, write("count = 4\nname = \"file\"\n"), List.of("count=5"));
        assertEquals(5, c.number("count", 0, 10));
        assertEquals("file", c.string("name"));
        assertTrue(c.bool("enabled"));
        assertTrue(c.isSet("count"));
        assertFalse(c.isSet("ttl"));
    }

    @Test
    void oneUnknownKeyNamesLineAndNearestKey() throws Exception {
        ConfigError e = refused(write("count = 1\n\ncuont = 2\n"));
        assertEquals(dir.resolve("my.conf").toString(), e.source());
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("unknown setting 'cuont' (did you mean 'count'?)"), e.getMessage());
        assertTrue(e.getMessage().contains("conf/test.conf"), e.getMessage());
    }

    @Test
    void everyUnknownKeyOfAFileInOneMessageInFileOrder() throws Exception {
        // HOCON objects do not keep their order: the lines do.
        ConfigError e = refused(write("zzz = 1\ncount = 2\nnmae = x\nenabld = false\naaa = 3\n"), "bogus=1");
        String m = e.getMessage();
        assertTrue(m.contains("5 unknown settings"), m);
        int zzz = m.indexOf("line 1: 'zzz'");
        int nmae = m.indexOf("line 3: 'nmae' (did you mean 'name'?)");
        int enabld = m.indexOf("line 4: 'enabld' (did you mean 'enabled'?)");
        int aaa = m.indexOf("line 5: 'aaa'");
        int bogus = m.indexOf("command line -Dbogus: 'bogus'");
        assertTrue(zzz > 0 && zzz < nmae && nmae < enabld && enabld < aaa && aaa < bogus, m);
    }

    @Test
    void unknownOverrideIsNamedAsTheCommandLine() {
        ConfigError e = refused(null, "nosuch=1");
        assertEquals("command line -Dnosuch", e.source());
        assertTrue(e.getMessage().startsWith("command line -Dnosuch: unknown setting 'nosuch'"), e.getMessage());
    }

    @Test
    void missingFileSaysFileNotFound() {
        ConfigError e = refused(dir.resolve("absent.conf"));
        assertTrue(e.getMessage().endsWith("absent.conf: config file not found"), e.getMessage());
        e = refused(dir);
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
    }

    @Test
    void syntaxErrorHasFileAndLine() throws Exception {
        ConfigError e = refused(write("count = 1\naddresses = [\"x\"\nname = y\n"));
        assertEquals(dir.resolve("my.conf").toString(), e.source());
        assertTrue(e.line() >= 2, e.getMessage());
        assertFalse(e.getMessage().contains(".properties"), e.getMessage());
    }

    @Test
    void unquotedOverrideWithColonsIsTakenAsAString() {
        // the shell ate the quotes of -Daddresses='"127.0.0.1:5320"'
        ConfigReader c = ConfigLoader.load(SCHEMA, null, List.of("addresses=127.0.0.1:5320"));
        assertEquals(List.of("127.0.0.1:5320"), c.strings("addresses"));
        c = ConfigLoader.load(SCHEMA, null, List.of("addresses=[\"127.0.0.1:5320\", \"[::1]:5320\"]"));
        assertEquals(List.of("127.0.0.1:5320", "[::1]:5320"), c.strings("addresses"));
    }

    @Test
    void brokenStructuredOverrideSaysHowToQuote() {
        ConfigError e = refused(null, "zones={test=[127.0.0.1:5301]}");
        assertEquals("command line -Dzones", e.source());
        assertTrue(e.getMessage().contains("-Dzones='"), e.getMessage());
        assertFalse(e.getMessage().contains(".properties"), e.getMessage());
        e = refused(null, "novalue");
        assertTrue(e.getMessage().contains("not key=value"), e.getMessage());
    }

    @Test
    void numbersNameTheirUnit() {
        ConfigError e = refused2("timeout=\"1.5s\"", c -> c.millis("timeout", 1, 60_000));
        assertTrue(e.getMessage().contains("'timeout'") && e.getMessage().contains("\"1.5s\" is not a whole number of milliseconds (write 1500)"),
                e.getMessage());
        e = refused2("ttl=1.5", c -> c.seconds("ttl", 0, 100));
        assertTrue(e.getMessage().contains("1.5 is not a whole number of seconds"), e.getMessage());
        e = refused2("ttl=500", c -> c.seconds("ttl", 0, 100));
        assertTrue(e.getMessage().contains("500 is outside 0..100 seconds"), e.getMessage());
        e = refused2("count=lots", c -> c.number("count", 0, 10));
        assertTrue(e.getMessage().contains("\"lots\" is not a whole number"), e.getMessage());
        assertEquals("command line -Dcount", e.source());
    }

    @Test
    void durationsNeedAUnit() {
        ConfigReader ok = ConfigLoader.load(SCHEMA, null, List.of("idle=90s"));
        assertEquals(Duration.ofSeconds(90), ok.duration("idle", Duration.ofSeconds(1), Duration.ofHours(1)));
        ConfigError e = refused2("idle=300", c -> c.duration("idle", Duration.ofSeconds(1), Duration.ofHours(1)));
        assertTrue(e.getMessage().contains("300 has no unit") && e.getMessage().contains("\"300s\""), e.getMessage());
        e = refused2("idle=soon", c -> c.duration("idle", Duration.ofSeconds(1), Duration.ofHours(1)));
        assertTrue(e.getMessage().contains("is not a duration"), e.getMessage());
        e = refused2("idle=2h", c -> c.duration("idle", Duration.ofSeconds(1), Duration.ofHours(1)));
        assertTrue(e.getMessage().contains("outside 1s..1h"), e.getMessage());
    }

    @Test
    void aRequiredKeyLeftAtItsDefaultPointsAtTheOperatorsFile() throws Exception {
        Path f = write("count = 1\n");
        ConfigReader c = ConfigLoader.load(SCHEMA, f, List.of());
        ConfigError e = c.invalid("required", "needs a value, e.g. required = \"x\"");
        assertEquals(f.toString(), e.source());
        assertEquals("'required' is not set (default \"\"): needs a value, e.g. required = \"x\"", e.problem());
        assertFalse(e.getMessage().contains("kernel-test.conf") || e.getMessage().contains("built-in"), e.getMessage());
        e = ConfigLoader.load(SCHEMA, null, List.of()).invalid("required", "needs a value");
        assertTrue(e.getMessage().contains("no --config file was given"), e.getMessage());
    }

    @Test
    void booleansAndStringsSayWhatTheyGot() {
        ConfigError e = refused2("enabled=maybe", c -> c.bool("enabled"));
        assertTrue(e.getMessage().contains("\"maybe\" is not true or false"), e.getMessage());
        e = refused2("name=[1, 2]", c -> c.string("name"));
        assertTrue(e.getMessage().contains("not a list [1,2]"), e.getMessage());
    }

    @Test
    void membersComeInFileOrderWithTheirPositions() throws Exception {
        Path f = write("zones = {\n  \"b.example\" = [\"192.0.2.1\"]\n  \"a.example\" = \"192.0.2.2\"\n  \"c.example\" = []\n}\n");
        List<ConfigReader.Member> ms = ConfigLoader.load(SCHEMA, f, List.of()).members("zones");
        assertEquals(List.of("b.example", "a.example", "c.example"), ms.stream().map(ConfigReader.Member::name).toList());
        assertEquals(List.of("192.0.2.2"), ms.get(1).strings());
        ConfigError e = ms.get(2).error("lists no servers");
        assertEquals(4, e.line());
        assertTrue(e.problem().contains("'zones', entry \"c.example\": lists no servers"), e.getMessage());
    }

    @Test
    void listEntriesAreCheckedForUnknownKeysAllAtOnce() throws Exception {
        Path f = write("clients = [\n  { networks = [\"10.0.0.0/8\"], prefx = \"x\" }\n  { netwroks = [], prefix = \"y\" }\n]\n");
        ConfigReader c = ConfigLoader.load(SCHEMA, f, List.of());
        ConfigError e = assertThrows(ConfigError.class, () -> c.objects("clients", Set.of("networks", "prefix")));
        assertTrue(e.getMessage().contains("2 unknown keys"), e.getMessage());
        assertTrue(e.getMessage().indexOf("'prefx' in 'clients' entry 1 (did you mean 'prefix'?)")
                < e.getMessage().indexOf("'netwroks' in 'clients' entry 2 (did you mean 'networks'?)"), e.getMessage());

        Path g = write("clients = [ { networks = [\"10.0.0.0/8\"] } ]\n");
        ConfigReader entry = ConfigLoader.load(SCHEMA, g, List.of()).objects("clients", Set.of("networks", "prefix")).getFirst();
        e = assertThrows(ConfigError.class, () -> entry.string("prefix"));
        assertTrue(e.getMessage().contains("'clients' entry 1 needs 'prefix'"), e.getMessage());
        e = assertThrows(ConfigError.class, () -> entry.number("networks", 0, 1));
        assertTrue(e.getMessage().contains("'networks' in 'clients' entry 1"), e.getMessage());
    }

    private ConfigError refused2(String override, java.util.function.Consumer<ConfigReader> get) {
        ConfigReader c = ConfigLoader.load(SCHEMA, null, List.of(override));
        return assertThrows(ConfigError.class, () -> get.accept(c));
    }

    @Test
    void aSharedFileGivesEachProgramItsSectionAndOneSectionMayReferToTheOther() throws Exception {
        Path f = write("""
                nat64 {
                  pool6 = ["2001:db8:64::/96", "64:ff9b::/96"]
                  threads = 2
                }
                recursor {
                  addresses = ${nat64.pool6}
                  count = 4
                }
                """);
        ConfigReader c = ConfigLoader.load(IN_SECTION, f, List.of("count=5"));
        assertEquals(List.of("2001:db8:64::/96", "64:ff9b::/96"), c.strings("addresses"), "by reference");
        assertEquals(5, c.number("count", 0, 10), "overrides still win");
        assertEquals("gate", c.string("name"), "defaults still fill in");
        assertEquals(List.of("2001:db8:64::/96", "64:ff9b::/96"), c.otherSection("nat64", "pool6"));
        assertEquals(List.of("2"), c.otherSection("nat64", "threads"));
        assertEquals(null, c.otherSection("nat64", "mode"), "not set in the file");
        ConfigReader flat = ConfigLoader.load(IN_SECTION, write("count = 1\n"), List.of());
        assertEquals(1, flat.number("count", 0, 10), "a file without sections is read as before");
        assertEquals(null, flat.otherSection("nat64", "pool6"));
    }

    @Test
    void inASharedFileUnknownKeysAreFoundInsideTheSectionWithTheirLines() throws Exception {
        ConfigError e = assertThrows(ConfigError.class, () -> ConfigLoader.load(IN_SECTION,
                write("nat64 {\n  pool6 = x\n}\nrecursor {\n  cuont = 2\n}\n"), List.of()));
        assertEquals(5, e.line());
        assertTrue(e.getMessage().contains("unknown setting 'cuont' (did you mean 'count'?)"), e.getMessage());
    }

    @Test
    void aSharedFileHoldsOnlySectionsAndMustHaveThisProgramsOne() throws Exception {
        ConfigError stray = assertThrows(ConfigError.class, () -> ConfigLoader.load(IN_SECTION,
                write("recursor {\n  count = 2\n}\ncount = 3\n"), List.of()));
        assertEquals(4, stray.line());
        assertTrue(stray.getMessage().contains("'count' at the top level of a file with sections"), stray.getMessage());
        ConfigError missing = assertThrows(ConfigError.class, () -> ConfigLoader.load(IN_SECTION,
                write("nat64 {\n  pool6 = x\n}\n"), List.of()));
        assertTrue(missing.getMessage().contains("no 'recursor { }' section"), missing.getMessage());
        ConfigError dangling = assertThrows(ConfigError.class, () -> ConfigLoader.load(IN_SECTION,
                write("nat64 {\n}\nrecursor {\n  addresses = ${nat64.pool6}\n}\n"), List.of()));
        assertEquals(4, dangling.line(), "a reference to something the other section does not set: " + dangling.getMessage());
    }
}
