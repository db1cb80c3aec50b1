package dev.inchworm.runtime.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inchworm.runtime.config.HostProfile;
import dev.inchworm.runtime.config.SettingsBinder;
import dev.inchworm.runtime.plugin.LoadFailure;
import dev.inchworm.runtime.plugin.PluginInfo;
import dev.inchworm.runtime.plugin.PluginRegistry;
import dev.inchworm.runtime.plugin.RegisteredExtension;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;

/** {@code inchworm plugins}: what loaded, what each plugin supplies, and what failed to load. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = "List the loaded plugins, their extension points and ids, and the plugins that failed to load.")
final class PluginsCommand extends HostCommand {

    @Override
    public Integer call() {
        Optional<HostProfile> profile = profileOption.optional().map(root::readProfile);
        try (PluginRegistry registry = root.loadPlugins(profile)) {
            PrintWriter out = spec.commandLine().getOut();
            if (output.json()) {
                Json.print(out, json(registry));
            } else {
                text(out, registry);
            }
        }
        return ExitCode.OK.code();
    }

    private static void text(PrintWriter out, PluginRegistry registry) {
        out.println("api " + registry.apiVersion() + "; plugin folders: " + (registry.roots().isEmpty()
                ? "(none: set --plugins-dir or INCHWORM_PLUGINS)"
                : registry.roots().stream().map(Path::toString).collect(Collectors.joining(", "))));
        if (registry.plugins().isEmpty()) {
            out.println("no plugins loaded");
        }
        for (PluginInfo plugin : registry.plugins()) {
            out.println();
            out.println(plugin.label() + (plugin.description().isEmpty() ? "" : "  " + plugin.description()));
            out.println("  requires api " + plugin.requires() + "; " + plugin.path());
            for (RegisteredExtension e : registry.extensionsOf(plugin.id())) {
                out.printf("  %-16s %-16s %s%n", e.kind().displayName(), e.id(), e.description());
                out.printf("  %-16s settings: %s%n", "", settingsKeys(e));
            }
        }
        if (!registry.failures().isEmpty()) {
            out.println();
            out.println("failed to load:");
            for (LoadFailure f : registry.failures()) {
                out.println("  " + f);
            }
        }
        out.flush();
    }

    private static String settingsKeys(RegisteredExtension e) {
        var keys = SettingsBinder.keys(e.settingsType());
        return keys.isEmpty() ? "(none)" : String.join(", ", keys);
    }

    private static ObjectNode json(PluginRegistry registry) {
        ObjectNode doc = Json.object();
        doc.put("apiVersion", registry.apiVersion());
        ArrayNode folders = doc.putArray("folders");
        registry.roots().forEach(p -> folders.add(p.toString()));
        ArrayNode plugins = doc.putArray("plugins");
        for (PluginInfo plugin : registry.plugins()) {
            ObjectNode p = plugins.addObject();
            p.put("id", plugin.id());
            p.put("version", plugin.version());
            p.put("requires", plugin.requires());
            p.put("description", plugin.description());
            p.put("path", plugin.path().toString());
            ArrayNode extensions = p.putArray("extensions");
            for (RegisteredExtension e : registry.extensionsOf(plugin.id())) {
                ObjectNode x = extensions.addObject();
                x.put("point", e.kind().displayName());
                x.put("id", e.id());
                x.put("description", e.description());
                ArrayNode settings = x.putArray("settings");
                SettingsBinder.keys(e.settingsType()).forEach(settings::add);
            }
        }
        ArrayNode failures = doc.putArray("failures");
        for (LoadFailure f : registry.failures()) {
            failures.addObject().put("plugin", f.plugin()).put("path", f.path().toString()).put("reason", f.reason());
        }
        return doc;
    }
}
