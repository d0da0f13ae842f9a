package dev.sparrow.devices.frames;

/** Skip reasons and errors are one line each: they end up in logs and MQTT status messages. */
final class Reasons {
    private Reasons() {
    }

    static String oneLine(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
