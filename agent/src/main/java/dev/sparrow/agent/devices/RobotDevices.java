package dev.sparrow.agent.devices;

import com.pi4j.context.Context;
import dev.sparrow.agent.config.AgentConfig;
import dev.sparrow.agent.pipeline.FrameResult;
import dev.sparrow.agent.pipeline.ResultSink;
import dev.sparrow.devices.gpio.LedSignal;
import dev.sparrow.devices.gpio.PauseButton;
import dev.sparrow.devices.gpio.Pi4jContexts;
import dev.sparrow.devices.gpio.StatusLed;
import dev.sparrow.devices.gpio.Tmp102;
import java.io.IOException;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The robot's GPIO parts the configuration names: the status LED shows each result (recognised: a place with
 * a margin over the runner-up; lost: a tie; error: telemetry cannot reach its broker), the button pauses and
 * resumes the pipeline, and the I2C temperature sensor is read for the metrics.
 */
public final class RobotDevices implements ResultSink, AutoCloseable {
    private static final Duration DEBOUNCE = Duration.ofMillis(50);

    private final Context context;
    private final StatusLed led;
    private final PauseButton button;
    private final Tmp102 sensor;
    private final BooleanSupplier reporting;
    private final Consumer<String> log;
    private volatile boolean sensorFailed;

    private RobotDevices(Context context, StatusLed led, PauseButton button, Tmp102 sensor, BooleanSupplier reporting,
                         Consumer<String> log) {
        this.context = context;
        this.led = led;
        this.button = button;
        this.sensor = sensor;
        this.reporting = reporting;
        this.log = log;
    }

    /**
     * Opens what {@code gpio} names on the board (or on Pi4J's mock platform with {@code mock: true}).
     *
     * @param onButton  what a press of the button does (the agent toggles pause and resume)
     * @param reporting false while telemetry cannot reach its broker (the LED then blinks the error signal)
     */
    public static RobotDevices open(AgentConfig.Gpio gpio, Runnable onButton, BooleanSupplier reporting,
                                    Consumer<String> log) {
        Context context = gpio.mock() ? Pi4jContexts.mock() : Pi4jContexts.board();
        StatusLed led = null;
        PauseButton button = null;
        try {
            led = gpio.ledPin() == null ? null : StatusLed.open(context, gpio.ledPin());
            if (gpio.buttonPin() != null) {
                button = PauseButton.open(context, gpio.buttonPin(), DEBOUNCE, onButton);
            }
            Tmp102 sensor = gpio.i2cBus() == null ? null : Tmp102.open(context, gpio.i2cBus(), gpio.i2cAddress());
            return new RobotDevices(context, led, button, sensor, reporting, log);
        } catch (RuntimeException e) {
            if (button != null) {
                button.close();
            }
            if (led != null) {
                led.close();
            }
            context.shutdown();
            throw new IllegalArgumentException("gpio: " + e.getMessage(), e);
        }
    }

    @Override
    public void accept(FrameResult result) {
        if (led == null) {
            return;
        }
        boolean recognised = result.recognition() != null && result.recognition().margin() > 0;
        led.show(!reporting.getAsBoolean() ? LedSignal.ERROR : recognised ? LedSignal.RECOGNISED : LedSignal.LOST);
    }

    /** What the LED shows now (null before the first result or without an LED). */
    LedSignal ledShowing() {
        return led == null ? null : led.showing();
    }

    /** The Pi4J context the parts were opened on (the mock platform's registry, for tests). */
    Context context() {
        return context;
    }

    /** The I2C sensor's temperature, or null without a sensor or when it cannot be read (said once in the log). */
    public Double sensorCelsius() {
        if (sensor == null) {
            return null;
        }
        try {
            double celsius = sensor.readCelsius();
            sensorFailed = false;
            return celsius;
        } catch (IOException | RuntimeException e) {
            if (!sensorFailed) {
                log.accept("gpio: temperature sensor not readable: " + e.getMessage());
                sensorFailed = true;
            }
            return null;
        }
    }

    @Override
    public void close() {
        if (sensor != null) {
            sensor.close();
        }
        if (button != null) {
            button.close();
        }
        if (led != null) {
            led.close();
        }
        context.shutdown();
    }
}
