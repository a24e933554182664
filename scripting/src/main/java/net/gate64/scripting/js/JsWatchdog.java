package net.gate64.scripting.js;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One daemon thread for all JavaScript contexts: every 5 ms it cancels the contexts whose hook call is past its
 * deadline ({@code Context.close(true)} from outside, the documented way to stop guest code). The calling thread then
 * sees a cancelled PolyglotException and the pool replaces that context. Cost per hook call: two volatile writes.
 */
final class JsWatchdog {
    private static final long PERIOD_MILLIS = 5;
    private static final Set<JsInstance> WATCHED = ConcurrentHashMap.newKeySet();
    private static volatile Thread thread;

    private JsWatchdog() {}

    static void watch(JsInstance i) {
        WATCHED.add(i);
        if (thread == null) {
            start();
        }
    }

    static void unwatch(JsInstance i) {
        WATCHED.remove(i);
    }

    private static synchronized void start() {
        if (thread != null) {
            return;
        }
        Thread t = Thread.ofPlatform().daemon().name("gate64-js-watchdog").unstarted(() -> {
            while (true) {
                try {
                    Thread.sleep(PERIOD_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
                long now = System.nanoTime();
                for (JsInstance i : WATCHED) {
                    i.cancelIfOverdue(now);
                }
            }
        });
        t.start();
        thread = t;
    }
}
