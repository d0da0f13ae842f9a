package dev.sparrow.devices.system;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * Tells which board this is from the files Linux exposes: {@code /proc/device-tree/model} and
 * {@code /proc/device-tree/compatible} (Raspberry Pi OS and L4T both have a device tree),
 * {@code /proc/cpuinfo} (older Pi kernels name the model only there) and {@code /etc/nv_tegra_release}
 * (present on every Jetson's L4T). Every file may be missing; a machine where none says more is
 * {@link BoardKind#GENERIC_LINUX}.
 */
public final class BoardDetector {
    private BoardDetector() {
    }

    /** Detects this machine's board. */
    public static Board detect() {
        return detect(Path.of("/"));
    }

    /**
     * Detects the board from the files under {@code root} instead of {@code /}, so a copied or
     * hand-made tree can stand in for a board.
     */
    public static Board detect(Path root) {
        Optional<String> deviceTreeModel = SystemFiles.readDeviceTreeString(root.resolve("proc/device-tree/model"));
        String[] compatible = SystemFiles.readDeviceTreeString(root.resolve("proc/device-tree/compatible"))
                .map(s -> s.split("\n"))
                .orElse(new String[0]);
        String cpuinfo = SystemFiles.read(root.resolve("proc/cpuinfo")).orElse("");

        boolean piByDeviceTree = deviceTreeModel.filter(m -> m.startsWith("Raspberry Pi")).isPresent()
                || Arrays.stream(compatible).anyMatch(c -> c.startsWith("raspberrypi,"));
        Optional<String> cpuinfoModel = cpuinfoField(cpuinfo, "Model");
        if (piByDeviceTree) {
            return new Board(BoardKind.RASPBERRY_PI, deviceTreeModel.or(() -> cpuinfoModel).orElse("Raspberry Pi"));
        }
        if (cpuinfoModel.filter(m -> m.startsWith("Raspberry Pi")).isPresent()) {
            return new Board(BoardKind.RASPBERRY_PI, cpuinfoModel.get());
        }
        // Kernels older than the device-tree model only name the Broadcom SoC.
        Optional<String> hardware = cpuinfoField(cpuinfo, "Hardware");
        if (hardware.filter(h -> h.startsWith("BCM2")).isPresent()) {
            return new Board(BoardKind.RASPBERRY_PI, "Raspberry Pi (" + hardware.get() + ")");
        }

        boolean jetson = Files.exists(root.resolve("etc/nv_tegra_release"))
                || Arrays.stream(compatible).anyMatch(c -> c.startsWith("nvidia,tegra"));
        if (jetson) {
            return new Board(BoardKind.JETSON, deviceTreeModel.orElse("NVIDIA Jetson"));
        }
        return new Board(BoardKind.GENERIC_LINUX,
                deviceTreeModel.or(() -> cpuinfoField(cpuinfo, "model name")).orElse("unknown"));
    }

    /** The value of the first {@code name : value} line of /proc/cpuinfo with that exact name. */
    static Optional<String> cpuinfoField(String cpuinfo, String name) {
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equals(name)) {
                String value = line.substring(colon + 1).strip();
                if (!value.isEmpty()) {
                    return Optional.of(value);
                }
            }
        }
        return Optional.empty();
    }
}
