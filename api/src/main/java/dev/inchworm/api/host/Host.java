package dev.inchworm.api.host;

import dev.inchworm.api.Api;
import dev.inchworm.api.nix.Nix;
import dev.inchworm.api.nix.SystemSource;
import dev.inchworm.api.storage.StorageReport;
import java.nio.file.Path;
import org.slf4j.Logger;

/** What a plugin may ask of the host it runs on. Obtained from {@code Context.host()}. */
@Api(status = Api.Status.STABLE, since = "0.1")
public interface Host {

    /** The host's name from the profile ({@code host:}). */
    String name();

    /** Nix operations against this host's store and system profile. */
    Nix nix();

    /** The system source: the git repository whose revisions evaluate to toplevels. */
    SystemSource source();

    /** Runs commands on the host (with the profile's prefix, environment and bounds). */
    CommandRunner commands();

    /** A fresh measurement from the probe the profile selected. */
    StorageReport storage();

    /** A folder of the plugin's own under the state folder; created on first use. */
    Path stateDir();

    /** The logger to report through (goes to the run log, and the terminal when verbose). */
    Logger log();
}
