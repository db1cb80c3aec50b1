package dev.inchworm.api.provision;

import dev.inchworm.api.Api;
import dev.inchworm.api.Context;

/** What a {@link Provisioner} is given. Its {@code state()} is where it records what to release. */
@Api(status = Api.Status.STABLE, since = "0.1")
public interface ProvisionContext<S extends Record> extends Context<S> {
}
