package dev.inchworm.runtime.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inchworm.api.host.CommandRunner;
import dev.inchworm.api.storage.StorageProbe;
import dev.inchworm.api.storage.StorageReport;
import dev.inchworm.api.storage.Volume;
import dev.inchworm.api.ByteSize;
import dev.inchworm.runtime.config.HostProfile;
import dev.inchworm.runtime.engine.BasicContext;
import dev.inchworm.runtime.engine.MemoryPluginState;
import dev.inchworm.runtime.engine.RuntimeHost;
import dev.inchworm.runtime.plugin.ExtensionKind;
import dev.inchworm.runtime.plugin.PluginException;
import dev.inchworm.runtime.plugin.PluginRegistry;
import dev.inchworm.runtime.plugin.Selected;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code inchworm probe}: one measurement by the profile's storage probe. Changes nothing. */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = "Measure free space and inodes with the profile's storage probe (the store, and /boot when configured).")
final class ProbeCommand implements Callable<Integer> {

    @ParentCommand
    private InchwormCommand root;

    @Spec
    private CommandSpec spec;

    @Mixin
    private ProfileOption profileOption;

    @Mixin
    private OutputOption output;

    @Override
    public Integer call() {
        HostProfile profile = root.readProfile(profileOption.required());
        try (PluginRegistry registry = root.loadPlugins(Optional.of(profile))) {
            Selected probe = registry.select(ExtensionKind.PROBE, profile.probe(), ExtensionKind.PROBE.profileKey());
            CommandRunner commands = root.environment().hostCommands().apply(profile);
            StorageReport report = measure(probe, profile, commands);
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

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static StorageReport measure(Selected probe, HostProfile profile, CommandRunner commands) {
        String pluginId = probe.extension().plugin().id();
        // Nix and the system source are not needed to measure; the host reports that if asked.
        RuntimeHost host = new RuntimeHost(profile.host(), null, null, commands,
                () -> {
                    throw new IllegalStateException("a storage probe cannot ask the host for storage");
                },
                profile.stateDir(), pluginId, LoggerFactory.getLogger("inchworm.plugin." + pluginId));
        StorageProbe storageProbe = probe.as(StorageProbe.class);
        try {
            return storageProbe.measure(new BasicContext(probe.settings(), host, new MemoryPluginState()));
        } catch (RuntimeException e) {
            // A probe that cannot measure is almost always set up wrong (a path that does not
            // exist on the host): say which probe and what it said, exit 2, no stack trace.
            throw new PluginException("probe '" + probe.id() + "' (plugin " + pluginId + ") could not measure: "
                    + e.getMessage(), e);
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
