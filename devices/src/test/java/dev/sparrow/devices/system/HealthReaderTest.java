package dev.sparrow.devices.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthReaderTest {
    @TempDir
    Path root;

    private static final String MEMINFO = """
            MemTotal:        3884272 kB
            MemFree:          225908 kB
            MemAvailable:    2771004 kB
            Buffers:           81004 kB
            """;

    @Test
    void readsEverySourceOfARaspberryPi() throws IOException {
        new FakeRoot(root)
                .file("sys/class/thermal/thermal_zone0/type", "cpu-thermal\n")
                .file("sys/class/thermal/thermal_zone0/temp", "48312\n")
                .file("sys/devices/platform/soc/soc:firmware/get_throttled", "50005\n")
                .file("proc/meminfo", MEMINFO)
                .file("proc/loadavg", "0.52 0.58 1.25 1/389 12345\n")
                .file("proc/uptime", "12345.67 45678.90\n");
        HealthSnapshot snapshot = new HealthReader(root).read();

        assertEquals(48.312, snapshot.cpuCelsius().orElseThrow(), 1e-9);
        Throttling throttling = snapshot.throttling().orElseThrow();
        assertEquals(0x50005, throttling.bits());
        assertTrue(throttling.underVoltage());
        assertTrue(throttling.throttled());
        assertFalse(throttling.frequencyCapped());
        assertFalse(throttling.softTemperatureLimit());
        assertTrue(throttling.underVoltageOccurred());
        assertTrue(throttling.throttledOccurred());
        assertFalse(throttling.frequencyCappedOccurred());
        assertFalse(throttling.softTemperatureLimitOccurred());
        assertEquals(3884272L * 1024, snapshot.memoryTotalBytes().orElseThrow());
        assertEquals(2771004L * 1024, snapshot.memoryAvailableBytes().orElseThrow());
        assertEquals(new LoadAverage(0.52, 0.58, 1.25), snapshot.load().orElseThrow());
        assertEquals(12345.67, snapshot.uptimeSeconds().orElseThrow(), 1e-9);
    }

    @Test
    void picksTheCpuZoneAmongSeveralByType() throws IOException {
        new FakeRoot(root)
                .file("sys/class/thermal/thermal_zone0/type", "AO-therm\n")
                .file("sys/class/thermal/thermal_zone0/temp", "39000\n")
                .file("sys/class/thermal/thermal_zone1/type", "GPU-therm\n")
                .file("sys/class/thermal/thermal_zone1/temp", "41000\n")
                .file("sys/class/thermal/thermal_zone2/type", "CPU-therm\n")
                .file("sys/class/thermal/thermal_zone2/temp", "43500\n")
                .file("sys/class/thermal/thermal_zone10/type", "soc_thermal\n")
                .file("sys/class/thermal/thermal_zone10/temp", "45000\n");
        HealthReader reader = new HealthReader(root);
        assertEquals(Optional.of(root.resolve("sys/class/thermal/thermal_zone2/temp")), reader.cpuTemperatureFile());
        assertEquals(43.5, reader.read().cpuCelsius().orElseThrow(), 1e-9);
    }

    @Test
    void fallsBackToTheSocZoneThenToTheLowestNumberedZone() throws IOException {
        new FakeRoot(root)
                .file("sys/class/thermal/thermal_zone2/type", "acpitz\n")
                .file("sys/class/thermal/thermal_zone2/temp", "30000\n")
                .file("sys/class/thermal/thermal_zone11/type", "SOC_THERM\n")
                .file("sys/class/thermal/thermal_zone11/temp", "51000\n");
        assertEquals(51.0, new HealthReader(root).read().cpuCelsius().orElseThrow(), 1e-9);

        Path other = root.resolve("other");
        new FakeRoot(other)
                .file("sys/class/thermal/thermal_zone10/type", "pch_cannonlake\n")
                .file("sys/class/thermal/thermal_zone10/temp", "60000\n")
                .file("sys/class/thermal/thermal_zone9/type", "acpitz\n")
                .file("sys/class/thermal/thermal_zone9/temp", "27800\n");
        assertEquals(27.8, new HealthReader(other).read().cpuCelsius().orElseThrow(), 1e-9);
    }

    @Test
    void missingSourcesAreAbsentNotInvented() {
        HealthSnapshot snapshot = new HealthReader(root).read();
        assertTrue(snapshot.cpuCelsius().isEmpty());
        assertTrue(snapshot.throttling().isEmpty());
        assertTrue(snapshot.memoryTotalBytes().isEmpty());
        assertTrue(snapshot.memoryAvailableBytes().isEmpty());
        assertTrue(snapshot.load().isEmpty());
        assertTrue(snapshot.uptimeSeconds().isEmpty());
    }

    @Test
    void malformedValuesAreAbsent() throws IOException {
        new FakeRoot(root)
                .file("sys/class/thermal/thermal_zone0/type", "cpu-thermal\n")
                .file("sys/class/thermal/thermal_zone0/temp", "not a number\n")
                .file("sys/devices/platform/soc/soc:firmware/get_throttled", "zz\n")
                .file("proc/meminfo", "MemTotal: lots kB\n")
                .file("proc/loadavg", "0.5\n")
                .file("proc/uptime", "\n");
        HealthSnapshot snapshot = new HealthReader(root).read();
        assertTrue(snapshot.cpuCelsius().isEmpty());
        assertTrue(snapshot.throttling().isEmpty());
        assertTrue(snapshot.memoryTotalBytes().isEmpty());
        assertTrue(snapshot.memoryAvailableBytes().isEmpty());
        assertTrue(snapshot.load().isEmpty());
        assertTrue(snapshot.uptimeSeconds().isEmpty());
    }

    @Test
    void runsVcgencmdWhenTheKernelHasNoThrottlingFile() throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs /bin/sh to stand in for vcgencmd");
        new FakeRoot(root).file("usr/bin/vcgencmd", "#!/bin/sh\n[ \"$1\" = get_throttled ] && echo throttled=0x20002\n");
        Files.setPosixFilePermissions(root.resolve("usr/bin/vcgencmd"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Throttling throttling = new HealthReader(root).read().throttling().orElseThrow();
        assertTrue(throttling.frequencyCapped());
        assertTrue(throttling.frequencyCappedOccurred());
        assertFalse(throttling.underVoltage());
    }

    @Test
    void theThrottlingFileWinsOverVcgencmd() throws IOException {
        new FakeRoot(root)
                .file("sys/devices/platform/soc/soc:firmware/get_throttled", "0\n")
                .file("usr/bin/vcgencmd", "#!/bin/sh\necho throttled=0x50005\n");
        Files.setPosixFilePermissions(root.resolve("usr/bin/vcgencmd"), PosixFilePermissions.fromString("rwxr-xr-x"));
        assertEquals(Optional.of(new Throttling(0)), new HealthReader(root).read().throttling());
    }

    @Test
    void throttlingParsesBothSpellingsAndNamesBadText() {
        assertEquals(new Throttling(0x80008), Throttling.parse("throttled=0x80008\n"));
        assertEquals(new Throttling(0x80008), Throttling.parse("80008"));
        assertTrue(Throttling.parse("80008").softTemperatureLimit());
        assertTrue(Throttling.parse("80008").softTemperatureLimitOccurred());
        NumberFormatException e = assertThrows(NumberFormatException.class, () -> Throttling.parse("hot"));
        assertEquals("not a throttling word: \"hot\"", e.getMessage());
    }

    @Test
    void thisMachineGivesMemoryLoadAndUptime() {
        HealthSnapshot snapshot = new HealthReader().read();
        assertTrue(snapshot.memoryTotalBytes().orElseThrow() > 0);
        assertTrue(snapshot.memoryAvailableBytes().orElseThrow() <= snapshot.memoryTotalBytes().orElseThrow());
        assertTrue(snapshot.load().orElseThrow().oneMinute() >= 0);
        assertTrue(snapshot.uptimeSeconds().orElseThrow() > 0);
        System.out.println("this machine: " + snapshot);
    }
}
