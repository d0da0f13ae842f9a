package dev.sparrow.devices.gpio;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** The single timer thread each blinking LED or debounced button owns. */
final class DeviceThreads {
    private DeviceThreads() {
    }

    /** Daemon, so a device that was never closed does not keep the JVM alive. */
    static ScheduledExecutorService timer(String name) {
        return Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    static String oneLine(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
