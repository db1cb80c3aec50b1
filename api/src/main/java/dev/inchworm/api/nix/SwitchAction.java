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

    /**
     * Whether the system profile is pointed at the new system before it is activated: only for
     * {@code switch} and {@code boot}, as nixos-rebuild does. {@code test} and
     * {@code dry-activate} leave the boot default alone.
     *
     * @since 0.2
     */
    public boolean setsProfile() {
        return this == SWITCH || this == BOOT;
    }

    /** The word switch-to-configuration takes. */
    public String argument() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
