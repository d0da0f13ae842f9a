package dev.sparrow.devices.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BoardDetectorTest {
    @TempDir
    Path root;

    @Test
    void raspberryPiFromDeviceTreeModel() throws IOException {
        new FakeRoot(root)
                .file("proc/device-tree/model", "Raspberry Pi 4 Model B Rev 1.4\0")
                .file("proc/device-tree/compatible", "raspberrypi,4-model-b\0brcm,bcm2711\0");
        assertEquals(new Board(BoardKind.RASPBERRY_PI, "Raspberry Pi 4 Model B Rev 1.4"), BoardDetector.detect(root));
    }

    @Test
    void raspberryPiFromCompatibleAloneTakesCpuinfoModel() throws IOException {
        new FakeRoot(root)
                .file("proc/device-tree/compatible", "raspberrypi,5-model-b\0brcm,bcm2712\0")
                .file("proc/cpuinfo", "processor\t: 0\nBogoMIPS\t: 108.00\n\nRevision\t: d04170\nModel\t\t: Raspberry Pi 5 Model B Rev 1.0\n");
        assertEquals(new Board(BoardKind.RASPBERRY_PI, "Raspberry Pi 5 Model B Rev 1.0"), BoardDetector.detect(root));
    }

    @Test
    void raspberryPiFromCpuinfoModelWithoutDeviceTree() throws IOException {
        new FakeRoot(root).file("proc/cpuinfo", "processor\t: 0\nHardware\t: BCM2835\nModel\t\t: Raspberry Pi 3 Model B Plus Rev 1.3\n");
        assertEquals(new Board(BoardKind.RASPBERRY_PI, "Raspberry Pi 3 Model B Plus Rev 1.3"), BoardDetector.detect(root));
    }

    @Test
    void raspberryPiFromOldKernelsBroadcomHardwareLine() throws IOException {
        new FakeRoot(root).file("proc/cpuinfo", "processor\t: 0\nmodel name\t: ARMv7 Processor rev 4 (v7l)\nHardware\t: BCM2709\n");
        assertEquals(new Board(BoardKind.RASPBERRY_PI, "Raspberry Pi (BCM2709)"), BoardDetector.detect(root));
    }

    @Test
    void jetsonFromTegraReleaseFile() throws IOException {
        new FakeRoot(root)
                .file("etc/nv_tegra_release", "# R32 (release), REVISION: 7.1, GCID: 29818004, BOARD: t210ref, EABI: aarch64\n")
                .file("proc/device-tree/model", "NVIDIA Jetson Nano Developer Kit\0");
        assertEquals(new Board(BoardKind.JETSON, "NVIDIA Jetson Nano Developer Kit"), BoardDetector.detect(root));
    }

    @Test
    void jetsonFromCompatibleAlone() throws IOException {
        new FakeRoot(root).file("proc/device-tree/compatible", "nvidia,p3768-0000+p3767-0005\0nvidia,p3767-0005\0nvidia,tegra234\0");
        assertEquals(new Board(BoardKind.JETSON, "NVIDIA Jetson"), BoardDetector.detect(root));
    }

    @Test
    void genericLinuxNamesTheCpu() throws IOException {
        new FakeRoot(root).file("proc/cpuinfo", "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\n");
        assertEquals(new Board(BoardKind.GENERIC_LINUX, "Intel(R) Xeon(R) CPU @ 2.20GHz"), BoardDetector.detect(root));
    }

    @Test
    void emptyTreeIsGenericLinuxOfUnknownModel() {
        assertEquals(new Board(BoardKind.GENERIC_LINUX, "unknown"), BoardDetector.detect(root));
    }

    @Test
    void unreadableDeviceTreeEntryIsTreatedAsMissing() throws IOException {
        // A directory where a file is expected makes the read fail: detection must go on without it.
        new FakeRoot(root).file("proc/device-tree/model/inner", "x").file("proc/cpuinfo", "model name\t: Cortex-A72\n");
        assertEquals(new Board(BoardKind.GENERIC_LINUX, "Cortex-A72"), BoardDetector.detect(root));
    }

    @Test
    void thisMachineIsDetectedWithoutThrowing() {
        Board board = BoardDetector.detect();
        assertNotNull(board.model());
        assertFalse(board.model().isBlank());
        // Neither a Pi nor a Jetson has an x86 CPU, so a PC or a CI runner must come out generic.
        String arch = System.getProperty("os.arch");
        if (arch.equals("amd64") || arch.equals("x86_64")) {
            assertEquals(BoardKind.GENERIC_LINUX, board.kind());
        }
        System.out.println("this machine: " + board);
    }
}
