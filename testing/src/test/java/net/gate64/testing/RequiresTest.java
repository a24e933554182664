package net.gate64.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RequiresTest {
    @Requires(what = "the absent-tool tests", tools = {"surely-no-such-tool-g64"})
    static final class NeedsATool {}

    @Requires(what = "the optional-tool tests", optionalTools = {"surely-no-such-tool-g64"})
    static final class NeedsAnOptionalTool {}

    @Requires(what = "nothing much")
    static final class NeedsNothing {}

    @Test
    void aMissingToolIsNamedWithItsPackageAndCountsAsProvidedOnCi() {
        Machine.Missing m = Machine.missing(NeedsATool.class.getAnnotation(Requires.class));
        assertEquals("the absent-tool tests need surely-no-such-tool-g64 (Debian package surely-no-such-tool-g64; "
                + "./gate64 test installs it as root)", m.reason());
        assertTrue(m.providedOnCi());
        Machine.Missing o = Machine.missing(NeedsAnOptionalTool.class.getAnnotation(Requires.class));
        assertEquals(false, o.providedOnCi(), o.reason());
        assertNull(Machine.missing(NeedsNothing.class.getAnnotation(Requires.class)));
    }

    @Test
    void toolsAreFoundOnThePath() {
        assertTrue(Machine.tool("sh"));
    }

    @Test
    void theReasonsVerbAgreesWithWhatIsTested() {
        String[][] cases = {
            {"the NAT64 namespace tests", "the NAT64 namespace tests need "},
            {"the DNS46 namespace test", "the DNS46 namespace test needs "},
            {"the iteration tests (the lab hierarchy on 127.0.54.x:53)", "the iteration tests (the lab hierarchy on 127.0.54.x:53) need "},
            {"the gateway's systemd notify test", "the gateway's systemd notify test needs "},
        };
        for (String[] c : cases) {
            assertEquals(c[1], Machine.needs(c[0]));
        }
    }
}
