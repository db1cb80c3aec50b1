package dev.inchworm.runtime.cli;

import dev.inchworm.api.storage.StorageReport;
import dev.inchworm.api.strategy.Step;
import dev.inchworm.api.ByteSize;
import dev.inchworm.runtime.engine.Progress;
import java.time.Duration;

/**
 * The engine's progress as lines on standard error: each stage, each step with the space free
 * when it starts, each derivation Nix builds, and the store's usage every few seconds while
 * it builds. Standard output stays for the report.
 */
final class TerminalProgress implements Progress {

    private static final Duration STORAGE_EVERY = Duration.ofSeconds(3);
    private static final String BUILDING = "building '";

    private final Stderr err;
    private long lastStorage;

    TerminalProgress(Stderr err) {
        this.err = err;
    }

    /**
     * On a terminal, this progress unless JSON was asked for; {@code forced} always shows it.
     * Without a terminal (a timer's unit, a pipe) one line per phase of each step
     * ({@link PhaseLines}): a log to read afterwards, not a live view.
     */
    static Progress choose(Stderr err, boolean json, boolean forced) {
        if (forced) {
            return new TerminalProgress(err);
        }
        if (System.console() == null) {
            return new PhaseLines(err);
        }
        return json ? Progress.QUIET : new TerminalProgress(err);
    }

    @Override
    public synchronized void stage(String what) {
        line("inchworm: " + what);
    }

    @Override
    public synchronized void step(int number, String strategy, Step step, StorageReport storage) {
        line("inchworm: step " + number + " (" + strategy + "): " + step.description()
                + (step.estimatedBytes() > 0 ? ", about " + ByteSize.format(step.estimatedBytes()) : "")
                + "; " + ByteSize.format(storage.store().freeBytes()) + " free of "
                + ByteSize.format(storage.store().totalBytes()));
    }

    @Override
    public synchronized void building(String line) {
        String trimmed = line.strip();
        if (trimmed.startsWith(BUILDING)) {
            int end = trimmed.indexOf('\'', BUILDING.length());
            String drv = end < 0 ? trimmed.substring(BUILDING.length()) : trimmed.substring(BUILDING.length(), end);
            int dash = drv.indexOf('-');
            line("  building " + (dash < 0 ? drv : drv.substring(dash + 1)));
        }
    }

    @Override
    public synchronized void storage(StorageReport report) {
        long now = System.nanoTime();
        if (now - lastStorage >= STORAGE_EVERY.toNanos()) {
            lastStorage = now;
            line("  store: " + ByteSize.format(report.store().usedBytes()) + " used, "
                    + ByteSize.format(report.store().freeBytes()) + " free");
        }
    }

    @Override
    public synchronized void note(String message) {
        line("  " + message);
    }

    private void line(String text) {
        err.info(text);
    }
}
