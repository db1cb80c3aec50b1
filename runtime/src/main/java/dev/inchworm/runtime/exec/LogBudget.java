package dev.inchworm.runtime.exec;

/** The bytes all of a runner's kept logs may still take. */
final class LogBudget {
    private final java.util.concurrent.atomic.AtomicLong left;

    LogBudget(long bytes) {
        this.left = new java.util.concurrent.atomic.AtomicLong(bytes);
    }

    /** Takes up to {@code wanted} bytes; returns how many were granted. */
    long take(long wanted) {
        while (true) {
            long now = left.get();
            long granted = Math.min(now, wanted);
            if (left.compareAndSet(now, now - granted)) {
                return granted;
            }
        }
    }

    void giveBack(long bytes) {
        left.addAndGet(bytes);
    }
}
