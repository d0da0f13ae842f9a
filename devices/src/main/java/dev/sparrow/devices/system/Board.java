package dev.sparrow.devices.system;

import java.util.Objects;

/**
 * The board this process runs on.
 *
 * @param kind  the family, which decides what GPIO and health sources to expect
 * @param model a human-readable model, e.g. "Raspberry Pi 4 Model B Rev 1.4", "NVIDIA Jetson Nano Developer
 *              Kit" or a PC's CPU name; "unknown" when no source names one
 */
public record Board(BoardKind kind, String model) {
    public Board {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(model, "model");
    }
}
