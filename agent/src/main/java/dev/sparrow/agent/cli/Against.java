package dev.sparrow.agent.cli;

/** What {@code --against} may name: the TensorFlow Lite engines on the class path. */
enum Against {
    tflite
}
