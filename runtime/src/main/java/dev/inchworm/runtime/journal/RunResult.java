package dev.inchworm.runtime.journal;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a run ended, as reports spell it. */
public enum RunResult {
    /** The host is on the target system. */
    @JsonProperty("upgraded") UPGRADED,
    /** The host already ran the target system: nothing was done. */
    @JsonProperty("already-current") ALREADY_CURRENT,
    /** The upgrade failed and the host is back on its initial system. */
    @JsonProperty("rolled-back") ROLLED_BACK,
    /** Stopped on a switched step until a reboot frees the booted system's pin; the next run goes on. */
    @JsonProperty("paused") PAUSED,
    /** Stopped on a switched step and rebooting the host into it; the run goes on after the boot. */
    @JsonProperty("rebooting") REBOOTING,
    /** The upgrade failed and the host could not be restored. */
    @JsonProperty("failed") FAILED;

    /** The word reports use. */
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
