package dev.inchworm.testkit;

import dev.inchworm.api.nix.Revision;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Prints the median set-up times of the kit (not a test: no timing is asserted anywhere).
 * Run: {@code mvn -q -pl testkit test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt}
 * then {@code java -cp testkit/target/classes:testkit/target/test-classes:$(cat testkit/cp.txt)
 * dev.inchworm.testkit.SetUpFigures}.
 */
public final class SetUpFigures {

    private SetUpFigures() {
    }

    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        List<Long> tmpfs = new ArrayList<>();
        List<Long> loop = new ArrayList<>();
        List<Long> scenario = new ArrayList<>();
        List<Long> install = new ArrayList<>();
        List<Long> whole = new ArrayList<>();
        List<Long> close = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            SandboxHost host = SandboxHost.builder().tmpfs(64).build();
            long t1 = System.nanoTime();
            Scenario s = Scenario.forHost(host);
            Revision first = s.commit("initial", pkgs -> PackageSet.typical());
            long t2 = System.nanoTime();
            host.install(s, first);
            long t3 = System.nanoTime();
            host.close();
            long t4 = System.nanoTime();
            SandboxHost loopHost = SandboxHost.builder().loopExt4(64).swapFolder().build();
            long t5 = System.nanoTime();
            loopHost.close();
            tmpfs.add(t1 - t0);
            scenario.add(t2 - t1);
            install.add(t3 - t2);
            whole.add(t3 - t0);
            close.add(t4 - t3);
            loop.add(t5 - t4);
        }
        System.out.printf("median of %d runs (ms): tmpfs host %.0f, loop-ext4 host %.0f, typical scenario commit %.0f, "
                + "install %.0f, host+scenario+install %.0f, close %.0f%n", runs, median(tmpfs), median(loop),
                median(scenario), median(install), median(whole), median(close));
    }

    private static double median(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2) / 1e6;
    }
}
