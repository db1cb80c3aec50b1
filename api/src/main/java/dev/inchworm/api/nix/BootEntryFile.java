package dev.inchworm.api.nix;

import dev.inchworm.api.Api;
import java.util.Objects;

/**
 * A file of a system that the bootloader copies to {@code /boot} for the system's boot entry
 * (NixOS's systemd-boot and GRUB copy the kernel and initrd, once per distinct store file).
 *
 * @param toplevel the system
 * @param file     which file ({@link BootFile#KERNEL} or {@link BootFile#INITRD})
 * @param target   where the toplevel's link points: systems sharing it share one copy
 * @param bytes    its size
 * @since 0.2
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public record BootEntryFile(StorePath toplevel, BootFile file, String target, long bytes) {

    public BootEntryFile {
        Objects.requireNonNull(toplevel, "toplevel");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(target, "target");
        if (bytes < 0) {
            throw new IllegalArgumentException("negative size of " + target);
        }
    }
}
