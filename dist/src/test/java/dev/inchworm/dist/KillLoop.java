package dev.inchworm.dist;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The crash tests' loop: a trial per journal write n = 1, 2, ... (each on a fresh sandbox host
 * of its own), {@value #AT_ONCE} at a time (the end-to-end tests run one class at a time on two
 * cores, and a trial waits on Nix, fsync and the CLI much of its time), until a trial's run ends
 * before its crash point.
 */
final class KillLoop {

    static final int AT_ONCE = 2;

    /** One trial: false when the run ended before write {@code n}, so there is nothing more to kill at. */
    @FunctionalInterface
    interface Trial {
        boolean killedAt(int n) throws Exception;
    }

    private KillLoop() {
    }

    /** @return the number of writes killed at: the trials before the first whose run ended first */
    static int untilTheRunEnds(Trial trial) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(AT_ONCE);
        try {
            for (int n = 1; n < 200; n += AT_ONCE) {
                List<Future<Boolean>> wave = new ArrayList<>();
                for (int k = n; k < n + AT_ONCE; k++) {
                    int write = k;
                    wave.add(pool.submit(() -> trial.killedAt(write)));
                }
                for (int k = 0; k < wave.size(); k++) {
                    if (!get(wave.get(k))) {
                        for (Future<Boolean> rest : wave) {
                            get(rest); // a failure of the other trial still counts
                        }
                        return n + k - 1;
                    }
                }
            }
            throw new AssertionError("the run never ended before its crash point");
        } finally {
            pool.shutdownNow();
        }
    }

    /** A trial at each write from {@code first} to {@code last}, {@value #AT_ONCE} at a time; the number killed at. */
    static int each(int first, int last, Trial trial) throws Exception {
        return each(java.util.stream.IntStream.rangeClosed(first, last).boxed().toList(), trial);
    }

    private static boolean get(Future<Boolean> trial) throws Exception {
        try {
            return trial.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** The JVM flags that turn the journal's debug log on (a line per write, numbered as the crash hook counts). */
    static final Map<String, String> JOURNAL_DEBUG = Map.of("INCHWORM_JAVA_OPTS",
            "-Xmx64m -Dorg.slf4j.simpleLogger.log.dev.inchworm.runtime.journal=debug");

    /** The journal writes of one {@code inchworm upgrade} of {@code run}, one line each, from its debug log. */
    static List<String> writesOf(SandboxRun run) throws Exception {
        Dist.Result r = run.upgradeWith(JOURNAL_DEBUG);
        return r.err().lines().filter(l -> l.contains("journal write ")).toList();
    }

    /**
     * The writes (numbered from 1) where a run decides rather than works through a step's
     * phases: every write with no step in flight (the strategies' notes, a release, the run's
     * phases) and the first write of each step (the step planned).
     */
    static List<Integer> decisions(List<String> writes) {
        List<Integer> picked = new ArrayList<>();
        String lastStep = null;
        for (int i = 0; i < writes.size(); i++) {
            String line = writes.get(i);
            int at = line.indexOf(", step ");
            String step = at < 0 ? null : line.substring(at + 7).split(" ")[0];
            if (step == null || !step.equals(lastStep)) {
                picked.add(i + 1);
            }
            lastStep = step;
        }
        return picked;
    }

    /** A trial at each of {@code writes}, {@value #AT_ONCE} at a time; the number killed at. */
    static int each(List<Integer> writes, Trial trial) throws Exception {
        return each(writes, trial, AT_ONCE);
    }

    /**
     * A trial at each of {@code writes}, {@code atOnce} at a time. One at a time for a test whose
     * outcome hangs on what a collection frees: the sandbox hosts have stores of their own but
     * share {@code /proc}, and Nix's collector counts a store path named by any process it can
     * see (a builder's environment, an open file) as a root. Two trials of one scenario build
     * the same paths, so one trial's builder can keep alive what the other's collection should
     * free.
     */
    static int each(List<Integer> writes, Trial trial, int atOnce) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(atOnce);
        try {
            List<Future<Boolean>> trials = new ArrayList<>();
            for (int n : writes) {
                trials.add(pool.submit(() -> trial.killedAt(n)));
            }
            int killed = 0;
            for (Future<Boolean> t : trials) {
                killed += get(t) ? 1 : 0;
            }
            return killed;
        } finally {
            pool.shutdownNow();
        }
    }
}
