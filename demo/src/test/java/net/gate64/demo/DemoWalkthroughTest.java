package net.gate64.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code gate64 demo} prints the README's dig walkthrough, line for line (the README once showed another one). */
class DemoWalkthroughTest {
    private static String normal(String line) {
        return line.strip().replaceAll("\\s+", " ");
    }

    @Test
    void theDemoPrintsTheReadmesWalkthrough() throws Exception {
        List<String> printed = new ArrayList<>();
        for (String l : DemoCommand.walkthrough(new InetSocketAddress("127.0.0.1", 5300),
                new InetSocketAddress("127.0.0.1", 8082), Path.of("resolver/target/demo-api-key"))) {
            printed.add(normal(l));
        }
        String readme = Files.readString(Path.of("../README.md"));
        int start = readme.indexOf("```sh", readme.indexOf("## A dig walkthrough")) + "```sh".length();
        List<String> listed = new ArrayList<>();
        for (String l : readme.substring(start, readme.indexOf("```", start)).strip().split("\n")) {
            listed.add(normal(l));
        }
        assertEquals(listed, printed);
    }
}
