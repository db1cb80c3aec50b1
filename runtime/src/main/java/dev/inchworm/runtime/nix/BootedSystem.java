package dev.inchworm.runtime.nix;

import dev.inchworm.api.nix.BootEntryFile;
import dev.inchworm.api.nix.BootFile;
import dev.inchworm.api.nix.NixOutputException;
import dev.inchworm.api.nix.StorePath;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
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

    /** Prints TOPLEVEL, NAME, target and size of each kernel and initrd that exists. */
    private static final String ENTRY_FILES = "for t in \"$@\"; do for f in kernel initrd; do "
            + "if [ -e \"$t/$f\" ]; then printf '%s\\t%s\\t%s\\t%s\\n' \"$t\" \"$f\" \"$(readlink \"$t/$f\")\" "
            + "\"$(stat -L -c %s \"$t/$f\")\"; fi; done; done";

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

    /** The kernel and initrd of each toplevel, with one script for all of them. */
    List<BootEntryFile> entryFiles(Collection<StorePath> toplevels) {
        if (toplevels.isEmpty()) {
            return List.of();
        }
        List<String> argv = new ArrayList<>(List.of("sh", "-c", ENTRY_FILES, "sh"));
        toplevels.stream().distinct().forEach(t -> argv.add(t.path()));
        return parseEntryFiles(nix.run(nix.plain(argv)).stdout());
    }

    /** The entry script's lines: {@code TOPLEVEL<TAB>NAME<TAB>TARGET<TAB>BYTES}. */
    static List<BootEntryFile> parseEntryFiles(String out) {
        List<BootEntryFile> files = new ArrayList<>();
        for (String line : out.lines().toList()) {
            String[] f = line.split("\t", -1);
            BootFile file = f.length == 4 ? (f[1].equals("kernel") ? BootFile.KERNEL : BootFile.INITRD) : null;
            try {
                if (file == null || f[2].isEmpty()) {
                    throw new NumberFormatException();
                }
                files.add(new BootEntryFile(StorePath.of(f[0]), file, f[2], Long.parseLong(f[3])));
            } catch (IllegalArgumentException e) {
                throw new NixOutputException("unexpected line reading boot files: '" + line + "'");
            }
        }
        return files;
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
