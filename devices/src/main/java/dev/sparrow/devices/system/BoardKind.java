package dev.sparrow.devices.system;

/** The families of board Sparrow runs on; everything else is {@link #GENERIC_LINUX}. */
public enum BoardKind {
    RASPBERRY_PI,
    JETSON,
    GENERIC_LINUX
}
