package dev.inchworm.api.nix;

import dev.inchworm.api.Api;

/** The argument to {@code bin/switch-to-configuration}, as in {@code nixos-rebuild}. */
@Api(status = Api.Status.STABLE, since = "0.1")
public enum SwitchAction {
    /** Activate now and make it the boot default. */
    SWITCH,
    /** Make it the boot default only. */
    BOOT,
    /** Activate now, keep the boot default. */
    TEST,
    /** Print what would be done. */
    DRY_ACTIVATE;

    /** The word switch-to-configuration takes. */
    public String argument() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
