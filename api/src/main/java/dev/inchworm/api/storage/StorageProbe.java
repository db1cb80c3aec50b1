package dev.inchworm.api.storage;

import dev.inchworm.api.Api;
import dev.inchworm.api.Pluggable;

/**
 * Measures free bytes and inodes where the store lives (and /boot). The runtime calls
 * {@link #measure} before each step and, while a build runs, repeatedly from a sampler to
 * learn the peak: it must be cheap (milliseconds) and must not write to the host.
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public interface StorageProbe<S extends Record> extends Pluggable<S> {

    /** One measurement now. */
    StorageReport measure(ProbeContext<S> context);
}
