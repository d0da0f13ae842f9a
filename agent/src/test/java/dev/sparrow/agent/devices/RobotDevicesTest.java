package dev.sparrow.agent.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.i2c.I2C;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.i2c.MockI2C;
import dev.sparrow.agent.config.AgentConfig;
import dev.sparrow.agent.pipeline.FrameResult;
import dev.sparrow.devices.gpio.LedSignal;
import dev.sparrow.snn.PlaceRecognizer;
import dev.sparrow.testsupport.Eventually;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The agent's GPIO parts on Pi4J's mock platform (the same code paths as on a board, with pins in memory). */
class RobotDevicesTest {
    private static FrameResult result(float margin) {
        return new FrameResult(1, new PlaceRecognizer.Recognition(1, 3, 0.5f, margin, 1, 1000), null, 1000);
    }

    @Test
    void theLedShowsEachResultTheButtonTogglesAndTheSensorIsRead() throws Exception {
        AtomicBoolean reporting = new AtomicBoolean(true);
        List<String> presses = new ArrayList<>();
        List<String> log = new ArrayList<>();
        try (RobotDevices devices = RobotDevices.open(new AgentConfig.Gpio(17, 27, 1, 0x48, true),
                () -> presses.add("press"), reporting::get, log::add)) {
            assertNull(devices.ledShowing());
            devices.accept(result(0.2f));
            assertEquals(LedSignal.RECOGNISED, devices.ledShowing());
            devices.accept(result(0f));
            assertEquals(LedSignal.LOST, devices.ledShowing(), "a tie is no recognition");
            reporting.set(false);
            devices.accept(result(0.2f));
            assertEquals(LedSignal.ERROR, devices.ledShowing(), "the broker is unreachable");

            MockDigitalInput button = (MockDigitalInput) devices.context().registry().get("pause-button-bcm27", DigitalInput.class);
            button.mockState(DigitalState.HIGH); // released: the pull-up holds the pin high
            Thread.sleep(150);
            button.mockState(DigitalState.LOW); // pressed: the button pulls it to ground
            Thread.sleep(150);
            button.mockState(DigitalState.HIGH);
            Eventually.holds(() -> !presses.isEmpty(), Duration.ofSeconds(2), () -> "the press was never reported");
            Thread.sleep(150); // a bounce counted twice would show up by now
            assertEquals(List.of("press"), presses);

            MockI2C sensor = (MockI2C) devices.context().registry().get("tmp102-i2c1-0x48", I2C.class);
            sensor.writeRegister(0x00, // the temperature register
                    new byte[] {0x19, 0x00}, 0, 2);
            assertEquals(25.0, devices.sensorCelsius());
        }
    }
}
