package dev.inchworm.runtime.nix;

import dev.inchworm.api.host.CommandResult;
import dev.inchworm.api.nix.NixException;
import dev.inchworm.api.nix.NixFailure;
import dev.inchworm.api.nix.NixVersion;
import java.util.List;
import java.util.OptionalLong;

/**
 * What the host's Nix is, apart from its store: its version (asked once per backend) and
 * whether its reserved file ({@code gc-reserved-space}, what Nix deletes to run a collection on
 * a full disk) is whole.
 */
final class NixProbes {

    private final NixCommands nix;
    private final long reservedSize;
    private NixVersion version;

    /** @param options the profile's Nix options (its {@code gc-reserved-space}, if set) */
    NixProbes(NixCommands nix, java.util.Map<String, String> options) {
        this.nix = nix;
        this.reservedSize = reservedSize(options);
    }

    /** Nix's default {@code gc-reserved-space}. */
    static final long DEFAULT_RESERVED_SPACE = 8L << 20;

    /** The profile's {@code gc-reserved-space} option, else Nix's default. */
    static long reservedSize(java.util.Map<String, String> options) {
        String set = options.get("gc-reserved-space");
        try {
            return set == null ? DEFAULT_RESERVED_SPACE : Math.max(0, Long.parseLong(set.strip()));
        } catch (NumberFormatException e) {
            return DEFAULT_RESERVED_SPACE; // Nix itself would refuse the option; not ours to judge here
        }
    }

    /**
     * The bytes of Nix's reserved file ({@code gc-reserved-space}) that are missing: from
     * {@code stat} of the file on the host; a missing file counts whole; empty when unknown.
     */
    OptionalLong reservedSpaceMissing() {
        NixCommands.Ran ran = nix.attempt(nix.plain(List.of("stat", "-c", "%s", RESERVED_FILE)));
        if (!ran.result().ok()) {
            String why = ran.result().stderr();
            return why.contains("No such file") ? OptionalLong.of(reservedSize) : OptionalLong.empty();
        }
        try {
            long size = Long.parseLong(ran.result().stdout().strip());
            return OptionalLong.of(Math.max(0, reservedSize - size));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static final String RESERVED_FILE = "/nix/var/nix/db/reserved";

    /**
     * The host's Nix version, asked once.
     *
     * @throws NixException {@link NixFailure.NixUnavailable} when Nix is missing or older than 2.8
     */
    synchronized NixVersion version() {
        if (version == null) {
            CommandResult result = nix.run(nix.plain(List.of("nix-env", "--version")));
            NixVersion found;
            try {
                found = NixOutput.version(result.stdout());
            } catch (IllegalArgumentException e) {
                throw new NixException(new NixFailure.NixUnavailable(e.getMessage()), result.argv());
            }
            if (found.compareTo(NixCli.MINIMUM_VERSION) < 0) {
                throw new NixException(new NixFailure.NixUnavailable("Nix " + found + " is older than "
                        + NixCli.MINIMUM_VERSION + ", the oldest Inchworm supports"), result.argv());
            }
            version = found;
        }
        return version;
    }

    /** Whether the new command-line interface ({@code nix path-info}, {@code nix eval}) runs on the host. */
    boolean hasNewCli() {
        return nix.attempt(nix.modern(false, List.of("--version"))).result().ok();
    }
}
