package net.gate64.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Waiting for a program under test to say something in the file its output goes to (the port the OS gave it, say):
 * the wait ends as soon as the line is there, and fails at once, with the whole output, when the program exits first.
 */
public final class ProcessLog {
    private ProcessLog() {}

    /**
     * The first match of {@code line} in {@code log}, once {@code program} wrote it.
     *
     * @throws IllegalStateException with the output when {@code program} exits first or {@code limit} passes (a
     *                               safety net only: a start on a loaded machine can take a while)
     */
    public static MatchResult await(Process program, Path log, Pattern line, Duration limit)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            Matcher m = line.matcher(read(log));
            if (m.find()) {
                return m.toMatchResult();
            }
            if (!program.isAlive()) {
                m = line.matcher(read(log)); // the last lines may have come with the exit
                if (m.find()) {
                    return m.toMatchResult();
                }
                throw new IllegalStateException("the program exited with " + program.exitValue() + " before it wrote '"
                        + line.pattern() + "':\n" + read(log));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no '" + line.pattern() + "' within "
                        + String.format("%.1f", limit.toMillis() / 1000.0) + " s:\n" + read(log));
            }
            program.waitFor(50, TimeUnit.MILLISECONDS); // returns at once when it exits
        }
    }

    /** What the program wrote so far (nothing when it has not created the file yet). */
    public static String read(Path log) throws IOException {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return "";
        }
    }
}
