package dev.sparrow.kernels;

import java.util.Optional;

/**
 * Whether this JVM has the incubating Vector API that every Sparrow kernel needs. Checked by the CLI before any
 * kernel class loads: without {@code --add-modules jdk.incubator.vector} the first kernel would otherwise fail
 * with a {@code NoClassDefFoundError} deep inside whatever command ran.
 */
public final class VectorModule {
    static final String NAME = "jdk.incubator.vector";

    private VectorModule() {}

    /** Empty when the module is there; otherwise one line saying what is missing and how to add it. */
    public static Optional<String> missing() {
        return missing(ModuleLayer.boot().findModule(NAME).isPresent());
    }

    static Optional<String> missing(boolean present) {
        return present ? Optional.empty() : Optional.of("this JVM was started without the Vector API: add"
                + " --add-modules " + NAME + " (the ./sparrow launcher and the runtime image do), on a JDK 25 or later");
    }
}
