package dev.sparrow.agent.config;

/** A configuration value that is missing or wrong: the key (within its section) and why. */
final class ConfigValueException extends IllegalArgumentException {
    private final String key;

    ConfigValueException(String key, String why) {
        super(why);
        this.key = key;
    }

    String key() {
        return key;
    }
}
