package dev.sparrow.bridge;

import com.fazecast.jSerialComm.SerialPort;
import java.util.Arrays;
import java.util.List;

/**
 * Serial ports the system reports. jSerialComm lists device nodes and symlinks under /dev only:
 * a pseudo-terminal (/dev/pts/N, or a socat link elsewhere) is not listed but opens by path.
 */
public final class SerialPorts {
    private SerialPorts() {
    }

    public record PortInfo(String path, String description) {
    }

    public static List<PortInfo> list() {
        return Arrays.stream(SerialPort.getCommPorts())
                .map(p -> new PortInfo(p.getSystemPortPath(), p.getPortDescription()))
                .toList();
    }
}
