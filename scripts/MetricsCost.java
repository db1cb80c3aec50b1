// Measures writing the metrics file (docs/benchmarks.md): java -cp "$(ls dist/target/inchworm/lib/*.jar | tr "\n" :)" scripts/MetricsCost.java FILE
import dev.inchworm.runtime.engine.RunMetrics;
import java.nio.file.Path;
import java.time.Instant;
public class MetricsCost {
    public static void main(String[] a) throws Exception {
        long t0 = System.nanoTime();
        RunMetrics.withoutReport("refused", 2, Instant.now()).writeTo(Path.of(a[0]), () -> { });
        long t1 = System.nanoTime();
        RunMetrics.withoutReport("locked", 5, Instant.now()).writeTo(Path.of(a[0]), () -> { });
        long t2 = System.nanoTime();
        Runtime r = Runtime.getRuntime();
        System.out.printf("first write %.1f ms (class loading included), second %.1f ms, heap used %d KiB%n",
            (t1 - t0) / 1e6, (t2 - t1) / 1e6, (r.totalMemory() - r.freeMemory()) / 1024);
    }
}
