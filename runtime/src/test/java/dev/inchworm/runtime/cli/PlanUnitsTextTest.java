package dev.inchworm.runtime.cli;

import dev.inchworm.api.strategy.UnitChange;
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
                "    [A] ripgrep  (none) -> 14.1  0 B -> ~4.0 MiB",
                "    [R] htop     3.3.0 -> (none)  1.0 MiB -> ~0 B"), text.toString().lines().toList());
    }
}
