package net.gate64.common.systemd;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Signal handlers through {@code sun.misc.Signal}, the JDK's only signal API (module jdk.unsupported, exported and
 * present in every JDK 25). It is looked up reflectively so that the build carries no "internal proprietary API"
 * warning, which javac gives for every direct use and no option suppresses. Both programs reload their config file
 * on SIGHUP through it.
 */
public final class Signals {
    private Signals() {}

    /**
     * SIGHUP reloads the config file ({@code action}); when it cannot (see {@link #on}), a warning says so at start and
     * names {@code reloadCommand}, the way that works, with {@code program} ("recursor", "gateway") as the subject.
     */
    public static void reloadOnHup(String program, String reloadCommand, Runnable action) {
        if (!on("HUP", action)) {
            org.slf4j.LoggerFactory.getLogger(Signals.class).warn("SIGHUP does not reload the config file: the {} was "
                    + "started with SIGHUP ignored (nohup, or a background job of a shell) or this JVM has no SIGHUP; "
                    + "reload with: {}", program, reloadCommand);
        }
    }

    /**
     * Runs {@code action} on a JVM thread whenever the process receives {@code name} (e.g. "HUP").
     *
     * @return false when this platform or JVM has no such signal, or when the process was started with it ignored
     *         ({@code nohup}, a shell's background job): the JVM then keeps it ignored and never calls the handler.
     *         The caller says so and offers another way.
     */
    public static boolean on(String name, Runnable action) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            Object h = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handler},
                    (proxy, method, args) -> {
                        if (method.getName().equals("handle")) {
                            action.run();
                            return null;
                        }
                        return switch (method.getName()) {
                            case "toString" -> "gate64 handler for SIG" + name;
                            case "hashCode" -> System.identityHashCode(proxy);
                            case "equals" -> proxy == args[0];
                            default -> throw new UnsupportedOperationException(method.getName());
                        };
                    });
            Method handle = signal.getMethod("handle", signal, handler);
            Object previous = handle.invoke(null, signal.getConstructor(String.class).newInstance(name), h);
            // HotSpot leaves an ignored SIGHUP, SIGINT or SIGTERM ignored and answers with SIG_IGN as the previous
            // handler, having installed nothing
            return previous != handler.getField("SIG_IGN").get(null);
        } catch (InvocationTargetException e) {
            return false; // IllegalArgumentException: no such signal here, or the JVM uses it itself
        } catch (ReflectiveOperationException | LinkageError e) {
            return false;
        }
    }
}
