package net.gate64.nat64.ra;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** RFC 4861 §6.2.4 and §6.2.6 timing, on nanosecond numbers. */
class RaScheduleTest {
    private static final long S = 1_000_000_000L;
    private final RaSchedule schedule = new RaSchedule(Duration.ofSeconds(600), new SplittableRandom(64));

    @Test
    void unsolicitedIntervalsLieBetweenAThirdAndAllOfTheMaximumAndTheFirstThreeComeWithin16Seconds() {
        for (int i = 0; i < 1000; i++) {
            long next = schedule.nextUnsolicited(0, 3 + i % 5);
            assertTrue(next >= 200 * S && next <= 600 * S, next / S + " s");
            long initial = schedule.nextUnsolicited(0, i % 3);
            assertTrue(initial <= 16 * S, "initial advertisement after " + initial / S + " s");
        }
    }

    @Test
    void aSolicitationIsAnsweredWithinHalfASecondButNotSoonerThanThreeSecondsAfterTheLast() {
        for (int i = 0; i < 1000; i++) {
            long at = schedule.solicited(100 * S, 90 * S, 300 * S);
            assertTrue(at >= 100 * S && at <= 100 * S + S / 2, "within MAX_RA_DELAY_TIME");
            assertEquals(101 * S, schedule.solicited(100 * S, 98 * S, 300 * S), "MIN_DELAY_BETWEEN_RAS after the last");
        }
        assertEquals(100 * S, schedule.solicited(100 * S, Long.MIN_VALUE, 100 * S), "one already due now stays");
        assertTrue(schedule.solicited(5 * S, Long.MIN_VALUE, 600 * S) <= 5 * S + S / 2, "none sent yet");
    }
}
