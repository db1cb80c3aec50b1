package dev.inchworm.api.storage;

import dev.inchworm.api.Api;
import dev.inchworm.api.Context;

/** What a {@link StorageProbe} is given for a measurement. */
@Api(status = Api.Status.STABLE, since = "0.1")
public interface ProbeContext<S extends Record> extends Context<S> {
}
