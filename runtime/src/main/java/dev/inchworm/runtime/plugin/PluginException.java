package dev.inchworm.runtime.plugin;

/**
 * The plugins cannot be used together: two supply the same extension id, or a plugin folder
 * cannot be read. A configuration error (exit code 2), not a crash.
 */
public class PluginException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PluginException(String message) {
        super(message);
    }

    public PluginException(String message, Throwable cause) {
        super(message, cause);
    }
}
