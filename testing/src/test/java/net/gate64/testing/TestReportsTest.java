package net.gate64.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestReportsTest {
    private static String summary(List<TestReports.Suite> suites, boolean ok) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        assertEquals(ok, TestReports.summarize(suites, new PrintStream(b, true, StandardCharsets.UTF_8)));
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void skipsAreListedByReasonAndAClassThatRanNothingFails() {
        String ok = summary(List.of(
                new TestReports.Suite("a.NamespaceTest", 3, 3, Map.of("the NAT64 tests need root", 3)),
                new TestReports.Suite("a.DigTest", 4, 0, Map.of()),
                new TestReports.Suite("a.Outer", 0, 0, Map.of()),
                new TestReports.Suite("a.Outer$Inner", 2, 0, Map.of())), true);
        assertTrue(ok.contains("9 tests in 4 classes, 3 skipped:"), ok);
        assertTrue(ok.contains("  skipped: the NAT64 tests need root\n      3 in NamespaceTest"), ok);
        assertFalse(ok.contains("FAILED"), ok);

        String bad = summary(List.of(new TestReports.Suite("a.Silent", 0, 0, Map.of())), false);
        assertTrue(bad.contains("FAILED") && bad.contains("  a.Silent"), bad);
    }

    @Test
    void readsSurefireXml(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("TEST-a.B.xml");
        Files.writeString(f, """
                <?xml version="1.0" encoding="UTF-8"?>
                <testsuite name="a.B" tests="3" skipped="2" failures="0" errors="0">
                  <testcase name="x" classname="a.B"><skipped message="needs dig"/></testcase>
                  <testcase name="y" classname="a.B"><skipped type="org.opentest4j.TestAbortedException"><![CDATA[org.opentest4j.TestAbortedException: Assumption failed: needs root
                ]]></skipped></testcase>
                  <testcase name="z" classname="a.B"/>
                </testsuite>
                """);
        TestReports.Suite s = TestReports.read(f);
        assertEquals(3, s.tests());
        assertEquals(2, s.skipped());

        Path nested = dir.resolve("TEST-a.Outer.xml"); // what Surefire writes for a class with @Nested ones
        Files.writeString(nested, """
                <testsuite name="a.Outer" tests="0" skipped="0" failures="0" errors="0">
                  <testcase name="x" classname="a.Outer$Inner"/>
                  <testcase name="y" classname="a.Outer$Inner"/>
                </testsuite>
                """);
        assertEquals(2, TestReports.read(nested).tests());
        assertEquals(Map.of("needs dig", 1, "needs root", 1), s.reasons());
    }
}
