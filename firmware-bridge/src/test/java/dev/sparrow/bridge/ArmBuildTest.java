package dev.sparrow.bridge;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparrow.testsupport.NativeBuild;
import dev.sparrow.testsupport.Prerequisites;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The firmware library compiles warning-free for Cortex-M0+ and Cortex-M4 and fits small.
 * Outside CI a missing arm-none-eabi-gcc skips the test; in CI (CI=true) it is a failure.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ArmBuildTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "cortex-m0plus, -mcpu=cortex-m0plus -mthumb",
        "cortex-m4, -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16"
    })
    void libraryCompilesForTheMcu(String name, String cpuFlags) throws Exception {
        Prerequisites.requireProgram("arm-none-eabi-gcc", "gcc-arm-none-eabi");
        Path out = NativeBuild.OUT.resolve("arm-" + name);
        Files.createDirectories(out);
        List<String> objects = new ArrayList<>();
        for (Path source : NativeBuild.librarySources()) {
            Path object = out.resolve(source.getFileName().toString().replace(".c", ".o"));
            List<String> command = new ArrayList<>(List.of("arm-none-eabi-gcc", "-std=c99", "-Wall", "-Wextra", "-Werror",
                    "-Os", "-ffunction-sections", "-fdata-sections"));
            command.addAll(List.of(cpuFlags.split(" ")));
            command.addAll(List.of("-I" + NativeBuild.FIRMWARE.resolve("include"), "-c", source.toString(), "-o", object.toString()));
            NativeBuild.run(command, 60);
            objects.add(object.toString());
        }
        List<String> size = new ArrayList<>(List.of("arm-none-eabi-size", "-t"));
        size.addAll(objects);
        String table = NativeBuild.run(size, 30);
        String[] total = table.lines().filter(l -> l.contains("(TOTALS)")).findFirst().orElseThrow().trim().split("\\s+");
        long text = Long.parseLong(total[0]);
        long ram = Long.parseLong(total[1]) + Long.parseLong(total[2]);
        System.out.printf("ARM %s: .text %d bytes, .data+.bss %d bytes (engine state lives in the caller's sb_link)%n", name, text, ram);
        assertTrue(text > 0 && text < 8192, name + " code size " + text);
        assertTrue(ram < 256, name + " static RAM " + ram);
    }
}
