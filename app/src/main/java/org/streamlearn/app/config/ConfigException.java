package org.streamlearn.app.config;

/** A configuration error naming the setting and the problem. */
public final class ConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String setting;

    /** An error about {@code setting}. */
    public ConfigException(String setting, String problem) {
        super(setting + ": " + problem);
        this.setting = setting;
    }

    /** The setting's name. */
    public String setting() {
        return setting;
    }
}
