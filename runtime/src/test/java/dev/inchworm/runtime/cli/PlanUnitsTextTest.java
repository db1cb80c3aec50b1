package dev.inchworm.runtime.cli;

import dev.inchworm.api.strategy.UnitChange;
import dev.inchworm.runtime.engine.ClosureDiff;
import dev.inchworm.runtime.engine.Plan;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The units of a plan printed like nvd diff. */
class PlanUnitsTextTest {

    @Test
    void unitsArePrintedWithVersionsAndSizes() {
        StringWriter text = new StringWriter();
        Plan.StrategyUnits units = new Plan.StrategyUnits("package-stepping", List.of(
                new UnitChange("firefox", "123.0", "124.0", 200L << 20, 220L << 20, UnitChange.Change.CHANGED),
                new UnitChange("ripgrep", "", "14.1", 0, 4L << 20, UnitChange.Change.ADDED),
                new UnitChange("htop", "3.3.0", "", 1L << 20, 0, UnitChange.Change.REMOVED)));

        ReportText.units(new PrintWriter(text, true), units);

        assertEquals(List.of(
                "  units (package-stepping): 1 changed, 1 added, 1 removed",
                "    [U] firefox  123.0 -> 124.0  200.0 MiB -> ~220.0 MiB",
                "    [A] ripgrep  (none) -> 14.1  +~4.0 MiB",
                "    [R] htop     3.3.0 -> (none)  -1.0 MiB"), text.toString().lines().toList());
    }

    @Test
    void theClosureDiffSaysWhetherItsSizesWereMeasuredOrEstimated() {
        List<UnitChange> changes = List.of(
                new UnitChange("curl", "8.6.0", "8.6.1", 512L << 10, 512L << 10, UnitChange.Change.CHANGED),
                new UnitChange("ripgrep", "", "14.1", 0, 4L << 20, UnitChange.Change.ADDED));
        StringWriter estimated = new StringWriter();
        ReportText.closure(new PrintWriter(estimated, true), new ClosureDiff(changes, 2, 10L << 20, 14L << 20, false));
        assertEquals(List.of(
                "  packages: 1 changed, 1 added, 0 removed, 2 rebuilt at the same version; "
                        + "closure 10.0 MiB -> ~14.0 MiB (estimated before the build)",
                "    [U] curl     8.6.0 -> 8.6.1  512.0 KiB -> ~512.0 KiB",
                "    [A] ripgrep  (none) -> 14.1  +~4.0 MiB"), estimated.toString().lines().toList());
        StringWriter built = new StringWriter();
        ReportText.closure(new PrintWriter(built, true), new ClosureDiff(changes.subList(1, 2), 0, 10L << 20, 14L << 20, true));
        assertEquals(List.of("  packages: 0 changed, 1 added, 0 removed; closure 10.0 MiB -> 14.0 MiB (built)",
                "    [A] ripgrep  (none) -> 14.1  +4.0 MiB"), built.toString().lines().toList());
    }
}
