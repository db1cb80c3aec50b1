package dev.inchworm.runtime.nix;

import dev.inchworm.api.nix.BootFile;
import dev.inchworm.api.nix.NixOutputException;
import dev.inchworm.api.nix.StorePath;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Whether a system needs a reboot to run its kernel: its {@code kernel}, {@code initrd} and
 * {@code kernel-modules} links against the booted system's, read with {@code readlink} one
 * level deep, as NixOS's {@code system.autoUpgrade} compares them. A link missing on both sides
 * is the same; a host without the booted-system link claims nothing.
 */
final class BootedSystem {

    /** Prints NAME, the booted target and the new target per boot file, or nothing without a booted system. */
    private static final String SCRIPT = "booted=$1; new=$2; shift 2; [ -e \"$booted\" ] || exit 0; "
            + "for f in \"$@\"; do printf '%s\\t%s\\t%s\\n' \"$f\" \"$(readlink \"$booted/$f\")\" "
            + "\"$(readlink \"$new/$f\")\"; done";

    private final NixCommands nix;
    private final Path link;

    BootedSystem(NixCommands nix, Path link) {
        this.nix = nix;
        this.link = link;
    }

    Set<BootFile> changedIn(StorePath toplevel) {
        List<String> argv = new ArrayList<>(List.of("sh", "-c", SCRIPT, "sh", link.toString(), toplevel.path()));
        for (BootFile file : BootFile.values()) {
            argv.add(file.link());
        }
        return parse(nix.run(nix.plain(argv)).stdout());
    }

    /** The script's lines: {@code NAME<TAB>BOOTED<TAB>NEW}. */
    static Set<BootFile> parse(String out) {
        Set<BootFile> changed = EnumSet.noneOf(BootFile.class);
        for (String line : out.lines().toList()) {
            String[] fields = line.split("\t", -1);
            if (fields.length != 3) {
                throw new NixOutputException("unexpected line comparing boot files: '" + line + "'");
            }
            for (BootFile file : BootFile.values()) {
                if (file.link().equals(fields[0]) && !fields[1].equals(fields[2])) {
                    changed.add(file);
                }
            }
        }
        return changed;
    }
}
