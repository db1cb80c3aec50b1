package dev.inchworm.api.provision;

import dev.inchworm.api.Api;
import dev.inchworm.api.Pluggable;

/**
 * Acquires a resource around the builds (a swap file, stopped services) and always releases
 * it. The runtime calls {@link #release} after the run, after a failure, and on the next run
 * after a crash. So: write what {@code release} needs to {@code context.state()} before
 * acquiring, and make {@code release} idempotent and work from that state alone.
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public interface Provisioner<S extends Record> extends Pluggable<S> {

    /** Acquires the resource. On failure, leave nothing that {@link #release} cannot undo. */
    void acquire(ProvisionContext<S> context);

    /** Releases what {@code context.state()} says was acquired; a no-op when nothing was. */
    void release(ProvisionContext<S> context);
}
