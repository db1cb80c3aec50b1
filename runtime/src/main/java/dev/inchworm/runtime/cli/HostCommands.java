package dev.inchworm.runtime.cli;

import dev.inchworm.api.host.CommandRunner;
import dev.inchworm.runtime.config.HostProfile;
import dev.inchworm.runtime.exec.ProcessRunner;

/** The real command runner for a profile's host: its {@code nix.prefix}, logs under its state folder. */
final class HostCommands {

    private HostCommands() {
    }

    static CommandRunner forProfile(HostProfile profile) {
        return ProcessRunner.forHost(profile.nix(), profile.stateDir());
    }
}
