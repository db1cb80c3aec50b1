package dev.inchworm.runtime.cli;

/**
 * How much a line on standard error matters, as syslog and journald number it. Under journald
 * each line starts with its number in angle brackets (sd-daemon's {@code <3>}), so
 * {@code journalctl -p err} finds the errors.
 */
enum Priority {
    ERROR(3),
    WARNING(4),
    INFO(6);

    private final int level;

    Priority(int level) {
        this.level = level;
    }

    /** The sd-daemon prefix: {@code <3>}. */
    String prefix() {
        return "<" + level + ">";
    }
}
