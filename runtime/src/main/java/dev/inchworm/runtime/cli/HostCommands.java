package dev.inchworm.runtime.cli;

import dev.inchworm.api.host.CommandRunner;
import dev.inchworm.runtime.config.HostProfile;

/** The real command runner for a profile's host: its {@code nix.prefix} and environment. */
final class HostCommands {

    private HostCommands() {
    }

    static CommandRunner forProfile(HostProfile profile) {
        // LEAD: wire runtime.exec here once it is on main:
        // return ProcessRunner.forHost(profile.nix(), profile.stateDir());
        throw new UnsupportedOperationException("runtime.exec is not merged yet: no command runner");
    }
}
