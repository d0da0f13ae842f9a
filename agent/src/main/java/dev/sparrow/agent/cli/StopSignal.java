package dev.sparrow.agent.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;

/**
 * SIGTERM (systemd's stop) and SIGINT (Ctrl-C) as a request for an orderly stop rather than an abrupt exit:
 * the agent then stops its sources, drains, flushes the outbox, says {@code offline} and the verb returns 0.
 * A JVM shutdown hook could not do that — it runs while the JVM is already exiting with 143.
 * {@code sun.misc.Signal} (module {@code jdk.unsupported}) is the JDK's only way to handle a signal.
 */
final class StopSignal {
    private final CountDownLatch raised = new CountDownLatch(1);
    private volatile String name;

    /** Handles TERM and INT from now on; a second signal while stopping leaves the handler as it is. */
    static StopSignal install() {
        StopSignal stop = new StopSignal();
        for (String signal : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(signal), s -> {
                stop.name = "SIG" + s.getName();
                stop.raised.countDown();
            });
        }
        return stop;
    }

    /** Waits up to {@code millis} for a signal; true when one came. */
    boolean await(long millis) throws InterruptedException {
        return raised.await(millis, TimeUnit.MILLISECONDS);
    }

    boolean raised() {
        return raised.getCount() == 0;
    }

    /** The signal's name (SIGTERM, SIGINT), once raised. */
    String name() {
        return name;
    }
}
