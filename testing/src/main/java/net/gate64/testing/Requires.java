package net.gate64.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a test class needs from the machine. When something is missing, every test of the class is reported as
 * skipped with the reason (Surefire lists each, with the message, instead of "Tests run: 0" for an assumption in
 * {@code @BeforeAll}). On a machine that must run them ({@code GATE64_REQUIRE_ALL_TESTS=1}, which {@code .ci/run}
 * sets as root with /dev/net/tun) a missing requirement fails the class instead, except {@link #optionalTools()}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Inherited
@ExtendWith(RequirementCheck.class)
public @interface Requires {
    /** What the class tests, for the reason: "the NAT64 namespace tests". */
    String what();

    /** Needs uid 0. */
    boolean root() default false;

    /** Needs /dev/net/tun. */
    boolean tun() default false;

    /** Needs {@code ip netns add} to work (root, and a kernel and container that allow it). */
    boolean netns() default false;

    /** Needs to bind port 53 on 127.0.0.0/8 (root or CAP_NET_BIND_SERVICE). */
    boolean port53() default false;

    /**
     * The loopback blocks ("127.0.56": 127.0.56.0/24) this class serves on fixed addresses, port 53 (iteration only
     * talks to port 53, so the OS cannot pick the port). They are held exclusively among the test runs of this
     * machine (a file lock in java.io.tmpdir), from before the class's first test to after its last, so that two
     * builds running at once wait for each other instead of failing with "Address already in use".
     */
    String[] exclusive() default {};

    /** Commands on the PATH that {@code ./gate64 test} installs as root (dig, python3, nfcapd, ...). */
    String[] tools() default {};

    /** Commands the test needs that {@code ./gate64 test} does not install: missing ones are skipped even on CI. */
    String[] optionalTools() default {};
}
