package dev.inchworm.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PeakSamplerTest {

    @Test
    void keepsThePeakOfAHostAfterUsageFallsAgain() {
        try (SandboxHost host = SandboxHost.builder().tmpfs(16).build();
             PeakSampler sampler = PeakSampler.start(host)) {
            host.run("sh", "-c", "head -c 4194304 /dev/urandom > /nix/big").requireOk();
            long during = sampler.peakBytes();
            host.run("rm", "/nix/big").requireOk();

            assertTrue(sampler.peakIncreaseBytes() >= 4L << 20, "peak increase " + sampler.peakIncreaseBytes());
            assertTrue(host.usedBytes() < during, "usage fell again");
            assertEquals(during, sampler.peakBytes());
        }
    }

    @Test
    void samplesOnItsOwnThreadUntilClosed() throws InterruptedException {
        AtomicLong calls = new AtomicLong();
        PeakSampler sampler = PeakSampler.start(() -> calls.incrementAndGet() == 5 ? 1000 : 1, Duration.ofMillis(1));
        for (int i = 0; i < 5000 && calls.get() < 10; i++) {
            Thread.sleep(1);
        }
        sampler.close();
        long afterClose = calls.get();
        assertEquals(1000, sampler.peakBytes());
        assertEquals(1, sampler.baselineBytes());
        assertEquals(afterClose, calls.get(), "no sampling after close");
        assertTrue(afterClose >= 10);
    }
}
