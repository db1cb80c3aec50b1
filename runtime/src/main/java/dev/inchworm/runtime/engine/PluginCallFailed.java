package dev.inchworm.runtime.engine;

/**
 * A call into a plugin failed in a way the plugin did not report itself: it threw an
 * {@link Error} (a stack overflow, out of memory), or it did not return within
 * {@code timeouts.pluginCall}. The engine treats it like an exception from the plugin: the
 * strategy passes, the step fails, the run rolls back, as for any other failed call.
 */
public class PluginCallFailed extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PluginCallFailed(String message, Throwable cause) {
        super(message, cause);
    }
}
