package dev.inchworm.runtime.engine;

import dev.inchworm.api.host.Host;
import dev.inchworm.api.host.PluginState;
import dev.inchworm.api.provision.ProvisionContext;
import dev.inchworm.api.storage.ProbeContext;
import java.util.Objects;

/** The context of the extension points that need nothing beyond settings, host and state. */
public record BasicContext<S extends Record>(S settings, Host host, PluginState state)
        implements ProbeContext<S>, ProvisionContext<S> {

    public BasicContext {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(state, "state");
    }
}
