package dev.inchworm.runtime.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * The shape Jackson binds a host profile to: everything optional, checked and defaulted by
 * {@link ProfileConversion}.
 */
final class ProfileShape {

    private ProfileShape() {
    }


    record RawProfile(String host, RawSystem system, RawNix nix, @JsonProperty("switch") String switchAction,
                      String stateDir, String pluginsDir, JsonNode strategies, JsonNode probe, JsonNode rollback,
                      JsonNode reclaimers, JsonNode provisioners, RawEngine engine, RawTimeouts timeouts,
                      JsonNode nonVital, RawMetrics metrics, RawHooks hooks) {
    }

    record RawMetrics(String textfile) {
    }

    record RawHooks(JsonNode afterRun, String timeout) {
    }

    record RawSystem(String repository, String expression, String attribute, Map<String, Object> args,
                     JsonNode flake, String overrideInput, String remote, String branch, Integer fetchDepth,
                     String nixosConfig) {
    }

    /** The host's flake and its host name, from {@code flake: PATH#HOST}. */
    record FlakeRef(String flake, String host) {
        /** The input overridden unless the profile names another. */
        static final String NIXPKGS = "nixpkgs";

        /** The toplevel's attribute, as nixos-rebuild builds it. */
        String attribute() {
            return "nixosConfigurations." + (host.matches("[A-Za-z0-9_'-]+") ? host : "\"" + host + "\"")
                    + ".config.system.build.toplevel";
        }
    }

    record RawNix(String profile, Map<String, String> options, Map<String, String> environment,
                  List<String> prefix, String systemdRun, Boolean installBootloader, String specialisation,
                  String bootedSystem, String currentSystem) {
    }

    record RawEngine(JsonNode reserve, String onInterrupted, String keepInitial, Boolean lastTry, RawReboot reboot) {
    }

    record RawReboot(Boolean allowed, RawWindow window, List<String> command) {
    }

    record RawWindow(String lower, String upper) {
    }

    record RawTimeouts(String evaluation, String build, String gc, String query, String pluginCall) {
    }
}
