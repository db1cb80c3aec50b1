package dev.inchworm.runtime.engine;

import dev.inchworm.api.storage.StorageReport;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Samples the store's usage on a thread of its own while a step builds, so the report knows
 * the step's peak (Nix's transient overhead included, which the final size does not show).
 */
public final class StoreSampler implements AutoCloseable {

    private final Supplier<StorageReport> measure;
    private final Duration every;
    private final Consumer<StorageReport> listener;
    private final AtomicLong peakUsed = new AtomicLong();
    private final AtomicLong minFree = new AtomicLong(Long.MAX_VALUE);
    private final Thread thread;
    private volatile boolean running = true;

    private StoreSampler(Supplier<StorageReport> measure, Duration every, Consumer<StorageReport> listener) {
        this.measure = measure;
        this.every = every;
        this.listener = listener;
        this.thread = new Thread(this::loop, "inchworm-store-sampler");
        this.thread.setDaemon(true);
    }

    /** Starts sampling now: one measurement at once, then one every {@code every}. */
    public static StoreSampler start(Supplier<StorageReport> measure, Duration every, Consumer<StorageReport> listener) {
        StoreSampler sampler = new StoreSampler(measure, every, listener);
        sampler.sample();
        sampler.thread.start();
        return sampler;
    }

    private void loop() {
        while (running) {
            try {
                Thread.sleep(every.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            sample();
        }
    }

    private void sample() {
        try {
            StorageReport report = measure.get();
            peakUsed.accumulateAndGet(report.store().usedBytes(), Math::max);
            minFree.accumulateAndGet(report.store().freeBytes(), Math::min);
            listener.accept(report);
        } catch (RuntimeException e) {
            // A failed sample (store briefly unreadable) only loses one data point.
        }
    }

    /** Highest store usage seen so far. */
    public long peakUsedBytes() {
        return peakUsed.get();
    }

    /** Takes a last sample and stops; closing again does nothing (no sample after the step's end). */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sample();
    }
}
