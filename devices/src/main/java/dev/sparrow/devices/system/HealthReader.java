package dev.sparrow.devices.system;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Reads {@link HealthSnapshot}s from /proc and /sys. Which thermal zone is the CPU's and where the
 * throttling word comes from are decided once, at construction, so that a {@link #read()} is a handful of
 * small file reads (it is meant to be called every few seconds).
 *
 * <p>Throttling comes from {@code /sys/devices/platform/soc/soc:firmware/get_throttled} when the kernel
 * has it; otherwise from running {@code vcgencmd get_throttled} when that program is installed (a Pi on an
 * old kernel), which costs a process start per reading; otherwise it is absent.
 *
 * <p>Not thread-safe: one reader per polling thread.
 */
public final class HealthReader {
    /** vcgencmd answers in milliseconds; one that hangs must not stall the metrics thread. */
    private static final long COMMAND_TIMEOUT_MILLIS = 1000;

    private final Path root;
    private final Optional<Path> cpuTemperatureFile;
    private final Optional<Path> throttledFile;
    private Optional<Path> vcgencmd;

    /** A reader of this machine's /proc and /sys. */
    public HealthReader() {
        this(Path.of("/"));
    }

    /**
     * A reader of the tree under {@code root} instead of {@code /}: {@code root/proc/meminfo},
     * {@code root/sys/class/thermal/...}, and {@code root/usr/bin/vcgencmd} or {@code root/opt/vc/bin/vcgencmd}.
     */
    public HealthReader(Path root) {
        this.root = root;
        this.cpuTemperatureFile = cpuThermalZone(root.resolve("sys/class/thermal")).map(zone -> zone.resolve("temp"));
        Path throttled = root.resolve("sys/devices/platform/soc/soc:firmware/get_throttled");
        this.throttledFile = Files.exists(throttled) ? Optional.of(throttled) : Optional.empty();
        this.vcgencmd = throttledFile.isPresent()
                ? Optional.empty()
                : Stream.of("usr/bin/vcgencmd", "opt/vc/bin/vcgencmd").map(root::resolve).filter(Files::isExecutable).findFirst();
    }

    /** The temperature file this reader uses for the CPU, when the machine has a thermal zone. */
    public Optional<Path> cpuTemperatureFile() {
        return cpuTemperatureFile;
    }

    /** Reads one snapshot; never throws for a missing or malformed source, which is reported as absent. */
    public HealthSnapshot read() {
        Optional<String> meminfo = SystemFiles.read(root.resolve("proc/meminfo"));
        return new HealthSnapshot(
                Instant.now(),
                cpuCelsius(),
                throttling(),
                meminfo.map(m -> meminfoBytes(m, "MemTotal")).orElse(OptionalLong.empty()),
                meminfo.map(m -> meminfoBytes(m, "MemAvailable")).orElse(OptionalLong.empty()),
                SystemFiles.read(root.resolve("proc/loadavg")).flatMap(HealthReader::parseLoad),
                SystemFiles.read(root.resolve("proc/uptime")).map(HealthReader::parseUptime).orElse(OptionalDouble.empty()));
    }

    /**
     * The thermal zone whose {@code type} names the CPU ("cpu-thermal" on a Pi, "CPU-therm" on a Jetson,
     * "x86_pkg_temp" on a PC), else the SoC's, else the lowest-numbered zone: boards with a single zone
     * put their SoC sensor there.
     */
    static Optional<Path> cpuThermalZone(Path thermalClass) {
        List<Path> zones = new ArrayList<>();
        try (Stream<Path> entries = Files.list(thermalClass)) {
            entries.filter(p -> p.getFileName().toString().matches("thermal_zone\\d+")).forEach(zones::add);
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
        zones.sort(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().substring("thermal_zone".length()))));
        for (String wanted : List.of("cpu", "x86_pkg_temp", "soc")) {
            for (Path zone : zones) {
                String type = SystemFiles.read(zone.resolve("type")).orElse("").strip().toLowerCase(Locale.ROOT);
                if (type.contains(wanted)) {
                    return Optional.of(zone);
                }
            }
        }
        return zones.stream().findFirst();
    }

    private OptionalDouble cpuCelsius() {
        return cpuTemperatureFile.flatMap(SystemFiles::read).map(text -> {
            try {
                return OptionalDouble.of(Long.parseLong(text.strip()) / 1000.0);
            } catch (NumberFormatException e) {
                return OptionalDouble.empty();
            }
        }).orElse(OptionalDouble.empty());
    }

    private Optional<Throttling> throttling() {
        if (throttledFile.isPresent()) {
            return throttledFile.flatMap(SystemFiles::read).flatMap(HealthReader::parseThrottling);
        }
        return vcgencmd.flatMap(this::runVcgencmd).flatMap(HealthReader::parseThrottling);
    }

    private Optional<String> runVcgencmd(Path program) {
        Process process;
        try {
            process = new ProcessBuilder(program.toString(), "get_throttled").redirectErrorStream(true).start();
        } catch (IOException e) {
            // Not runnable after all (wrong architecture, no permission): stop paying for the attempt.
            vcgencmd = Optional.empty();
            return Optional.empty();
        }
        try (InputStream output = process.getInputStream()) {
            if (!process.waitFor(COMMAND_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS) || process.exitValue() != 0) {
                return Optional.empty();
            }
            return Optional.of(new String(output.readAllBytes(), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            process.destroyForcibly();
        }
    }

    static Optional<Throttling> parseThrottling(String text) {
        try {
            return Optional.of(Throttling.parse(text));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** A {@code Name:   1234 kB} line of /proc/meminfo, in bytes. */
    static OptionalLong meminfoBytes(String meminfo, String name) {
        for (String line : meminfo.split("\n")) {
            if (line.startsWith(name + ":")) {
                String[] fields = line.substring(name.length() + 1).strip().split("\\s+");
                try {
                    long value = Long.parseLong(fields[0]);
                    return OptionalLong.of(fields.length > 1 && fields[1].equals("kB") ? value * 1024 : value);
                } catch (NumberFormatException e) {
                    return OptionalLong.empty();
                }
            }
        }
        return OptionalLong.empty();
    }

    static Optional<LoadAverage> parseLoad(String loadavg) {
        String[] fields = loadavg.strip().split("\\s+");
        if (fields.length < 3) {
            return Optional.empty();
        }
        try {
            return Optional.of(new LoadAverage(Double.parseDouble(fields[0]), Double.parseDouble(fields[1]), Double.parseDouble(fields[2])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    static OptionalDouble parseUptime(String uptime) {
        try {
            return OptionalDouble.of(Double.parseDouble(uptime.strip().split("\\s+")[0]));
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }
}
