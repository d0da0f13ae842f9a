package dev.sparrow.tests.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttMessageListener;
import org.eclipse.paho.client.mqttv3.MqttMessage;

/** The messages one subscription received, in order; its assertions quote the broker's log when they fail. */
final class Inbox implements IMqttMessageListener {
    record Message(String topic, String payload) {}

    /** Long enough for a loaded CI machine, short enough that a lost message fails the test quickly. */
    static final Duration DELIVERY_WITHIN = Duration.ofSeconds(5);

    private final String name;
    private final Mosquitto broker;
    private final BlockingQueue<Message> received = new LinkedBlockingQueue<>();

    Inbox(String name, Mosquitto broker) {
        this.name = name;
        this.broker = broker;
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        received.add(new Message(topic, new String(message.getPayload(), StandardCharsets.UTF_8)));
    }

    /** The next message, waiting at most {@link #DELIVERY_WITHIN}. */
    Message next() throws InterruptedException {
        Message message = received.poll(DELIVERY_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
        if (message == null) {
            fail(name + " received nothing within " + DELIVERY_WITHIN.toSeconds() + " s\n" + broker.logTail(30));
        }
        return message;
    }

    /** The next message if one arrives within {@code wait}, else null: for polling loops that decide themselves. */
    Message poll(Duration wait) throws InterruptedException {
        return received.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Asserts that the next message is exactly this one: anything received before it fails the test. */
    void expect(String topic, String payload) throws InterruptedException {
        assertEquals(new Message(topic, payload), next(),
                name + ": not the message expected next\n" + broker.logTail(30));
    }

    /** Asserts that nothing (more) arrives within {@code wait}. */
    void expectNothingWithin(Duration wait) throws InterruptedException {
        Message message = received.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        assertNull(message, name + " received a message it should not have\n" + broker.logTail(30));
    }
}
