package dev.inchworm.runtime.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inchworm.api.storage.StorageReport;
import dev.inchworm.api.storage.Volume;
import dev.inchworm.api.ByteSize;
import dev.inchworm.runtime.config.HostProfile;
import dev.inchworm.runtime.plugin.PluginException;
import dev.inchworm.runtime.plugin.Selected;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.Command;

/** {@code inchworm probe}: one measurement by the profile's storage probe. Changes nothing. */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = "Measure free space and inodes with the profile's storage probe (the store, and /boot when configured).")
final class ProbeCommand extends HostCommand {

    @Override
    public Integer call() {
        try (HostSession session = HostSession.open(root, profileOption.required())) {
            HostProfile profile = session.profile();
            Selected probe = session.selections().probe();
            StorageReport report = measure(session, probe);
            PrintWriter out = spec.commandLine().getOut();
            if (output.json()) {
                Json.print(out, json(profile, probe, report));
            } else {
                out.println("host " + profile.host() + ", probe " + probe.id() + ", at " + report.at());
                out.println(line("store", report.store()));
                report.boot().ifPresent(boot -> out.println(line("boot", boot)));
                out.flush();
            }
        }
        return ExitCode.OK.code();
    }

    private static StorageReport measure(HostSession session, Selected probe) {
        try {
            return session.engine().measure();
        } catch (RuntimeException e) {
            // A probe that cannot measure is almost always set up wrong (a path that does not
            // exist on the host): say which probe and what it said, exit 2, no stack trace.
            throw new PluginException("probe '" + probe.id() + "' (plugin " + probe.extension().plugin().id()
                    + ") could not measure: " + e.getMessage(), e);
        }
    }

    private static String line(String label, Volume v) {
        long percent = v.totalBytes() == 0 ? 0 : Math.round(100.0 * v.freeBytes() / v.totalBytes());
        String inodes = v.totalInodes() == 0 ? "inodes not fixed"
                : String.format(Locale.ROOT, "%,d of %,d inodes free", v.freeInodes(), v.totalInodes());
        return String.format(Locale.ROOT, "%-5s %s: %s free of %s (%d%%), %s", label, v.path(),
                ByteSize.format(v.freeBytes()), ByteSize.format(v.totalBytes()), percent, inodes);
    }

    private static ObjectNode json(HostProfile profile, Selected probe, StorageReport report) {
        ObjectNode doc = Json.object();
        doc.put("host", profile.host());
        doc.put("probe", probe.id());
        doc.put("at", report.at().toString());
        volume(doc.putObject("store"), report.store());
        if (report.boot().isPresent()) {
            volume(doc.putObject("boot"), report.boot().get());
        } else {
            doc.putNull("boot");
        }
        return doc;
    }

    private static void volume(ObjectNode node, Volume v) {
        node.put("path", v.path());
        node.put("totalBytes", v.totalBytes());
        node.put("freeBytes", v.freeBytes());
        node.put("usedBytes", v.usedBytes());
        node.put("totalInodes", v.totalInodes());
        node.put("freeInodes", v.freeInodes());
    }
}
