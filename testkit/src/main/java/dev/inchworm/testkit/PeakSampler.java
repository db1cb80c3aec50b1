package dev.inchworm.testkit;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Samples a usage figure (a host's used bytes) every few milliseconds on a daemon thread and
 * keeps the peak, so a test or benchmark knows how full the disk got during a build.
 *
 * <pre>{@code
 * try (PeakSampler sampler = PeakSampler.start(host)) {
 *     host.realise(drv);
 *     long peak = sampler.peakBytes();
 * }
 * }</pre>
 */
public final class PeakSampler implements AutoCloseable {

    /** The default interval between samples. */
    public static final Duration INTERVAL = Duration.ofMillis(2);

    private final LongSupplier usage;
    private final long intervalNanos;
    private final AtomicLong peak = new AtomicLong(Long.MIN_VALUE);
    private final long baseline;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile RuntimeException failure;

    private PeakSampler(LongSupplier usage, Duration interval) {
        this.usage = Objects.requireNonNull(usage, "usage");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        this.intervalNanos = interval.toNanos();
        this.baseline = usage.getAsLong();
        peak.set(baseline);
        this.thread = new Thread(this::loop, "inchworm-peak-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    /** Samples the host's used bytes every {@link #INTERVAL}. */
    public static PeakSampler start(SandboxHost host) {
        return new PeakSampler(host::usedBytes, INTERVAL);
    }

    /** Samples any figure at any interval. */
    public static PeakSampler start(LongSupplier usage, Duration interval) {
        return new PeakSampler(usage, interval);
    }

    /** The figure when sampling started. */
    public long baselineBytes() {
        return baseline;
    }

    /** The highest figure seen so far (taking one more sample now while running). */
    public long peakBytes() {
        if (failure != null) {
            throw new IllegalStateException("sampling failed", failure);
        }
        if (running) {
            sample();
        }
        return peak.get();
    }

    /** The peak above the baseline. */
    public long peakIncreaseBytes() {
        return peakBytes() - baseline;
    }

    /** Stops sampling after a last sample; the peak stays readable. */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        try {
            sample();
        } finally {
            // Stopped even when the last sample fails (the host already closed).
            running = false;
            thread.interrupt();
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void loop() {
        while (running) {
            try {
                sample();
            } catch (RuntimeException e) {
                // the host was closed under the sampler: keep the peak, stop sampling
                failure = running ? e : null;
                running = false;
                return;
            }
            LockSupport.parkNanos(intervalNanos);
        }
    }

    private void sample() {
        long value = usage.getAsLong();
        peak.accumulateAndGet(value, Math::max);
    }
}
