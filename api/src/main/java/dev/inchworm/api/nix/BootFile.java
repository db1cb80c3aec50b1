package dev.inchworm.api.nix;

import dev.inchworm.api.Api;

/**
 * The links of a NixOS toplevel that only a reboot puts in use: when one of them differs
 * between the booted system and the new one, the new system runs on the old kernel until the
 * host reboots (what {@code system.autoUpgrade} compares before it reboots).
 *
 * @since 0.2
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public enum BootFile {
    KERNEL("kernel"),
    INITRD("initrd"),
    KERNEL_MODULES("kernel-modules");

    private final String link;

    BootFile(String link) {
        this.link = link;
    }

    /** The link's name in the toplevel ({@code TOPLEVEL/kernel}, ...). */
    public String link() {
        return link;
    }
}
