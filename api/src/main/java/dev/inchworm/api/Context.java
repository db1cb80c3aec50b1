package dev.inchworm.api;

import dev.inchworm.api.host.Host;
import dev.inchworm.api.host.PluginState;

/**
 * The one object an extension receives with every call: its settings and what it may ask of
 * the host. Never null. Each extension point extends it with what that call needs to know.
 *
 * <p>Plugins reach the host only through this context, never on their own (no
 * {@code ProcessBuilder}, no PF4J manager): the runtime then can prefix commands into a
 * sandbox, log them and bound them.
 *
 * @param <S> the extension's settings record
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public interface Context<S extends Record> {

    /** The settings bound from the host profile for this extension. */
    S settings();

    /** Nix, the system source, commands, storage, state folder and logger of this host. */
    Host host();

    /**
     * Small notes this extension keeps across a run, saved in the run's journal before the
     * call that wrote them returns, so they survive a crash (for example the swap file a
     * provisioner created, to release it on the next run).
     */
    PluginState state();
}
