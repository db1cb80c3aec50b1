package dev.inchworm.runtime.nix;

import dev.inchworm.api.nix.Revision;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.runtime.config.NixConfig;
import dev.inchworm.runtime.config.SystemConfig;
import dev.inchworm.runtime.exec.ProcessRunner;
import dev.inchworm.testkit.SandboxHost;
import dev.inchworm.testkit.Scenario;

import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Nix backend wired to a sandbox host, as the runtime wires it to a real one: a
 * {@link ProcessRunner} with the host's prefix, a {@link NixCli} and a {@link GitSource} over
 * a scenario repository.
 */
final class SandboxNix implements AutoCloseable {

    final SandboxHost host;
    final Scenario scenario;
    final ProcessRunner runner;
    final NixConfig config;
    final NixCli nix;
    final GitSource source;

    SandboxNix(int mib) {
        this.host = SandboxHost.builder().tmpfs(mib).name("vps-1").build();
        try {
            this.scenario = Scenario.forHost(host);
            this.runner = ProcessRunner.forHost(config(host), host.stateDir());
            this.config = config(host);
            // the scenario's toplevel links the booted and current systems in the state folder
            this.nix = new NixCli(runner, config, host.stateDir().resolve("nix"), ZoneId.systemDefault(),
                    List.of(host.stateDir().resolve("booted-system"), host.stateDir().resolve("current-system")));
            this.source = new GitSource(runner, new SystemConfig(scenario.repository(), Scenario.EXPRESSION,
                    Scenario.ATTRIBUTE, Map.of(), false, Optional.empty()), config, host.stateDir().resolve("source"));
        } catch (RuntimeException e) {
            host.close();
            throw e;
        }
    }

    /** The host's Nix environment, with Nix's caches (flake inputs) in the host's work folder. */
    static NixConfig config(SandboxHost host) {
        Map<String, String> environment = new java.util.HashMap<>(host.nixEnvironment());
        environment.put("XDG_CACHE_HOME", host.workDir().resolve("cache").toString());
        return new NixConfig(Path.of(SandboxHost.SYSTEM_PROFILE), Map.of(), environment, host.prefix())
                .withLiveSystems(host.stateDir().resolve("booted-system"), host.stateDir().resolve("current-system"));
    }

    /** A derivation of an attribute of a scenario revision ({@code pkgs.curl}), instantiated without a root. */
    StorePath instantiate(Revision revision, String attribute) {
        Path expression = scenario.checkout(revision).resolve(Scenario.EXPRESSION);
        return StorePath.of(host.run("nix-instantiate", expression.toString(), "-A", attribute).requireOk().text());
    }

    /** The file of a store path seen from outside the host. */
    Path file(StorePath path) {
        return host.storeRoot().resolve("store").resolve(path.baseName());
    }

    @Override
    public void close() {
        host.close();
    }
}
