package dev.inchworm.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileFileTest {

    @TempDir
    Path temp;

    @Test
    void writesAProfileForTheHostAndScenario() throws Exception {
        try (SandboxHost host = SandboxHost.builder().tmpfs(8).name("vps-1").build()) {
            Scenario scenario = Scenario.forHost(host);
            Path file = host.profile(scenario)
                    .strategies("package-stepping")
                    .addStrategy("full-rebuild", Map.of("note", "quote \" and\nnewline"))
                    .reclaimers("gc", "generation-prune")
                    .addProvisioner("swap-file", Map.of("folder", "/swap", "mib", 64))
                    .nixOption("keep-build-log", "false")
                    .set("engine", Map.of("reserveBytes", 1048576))
                    .write(temp.resolve("host.yaml"));

            JsonNode yaml = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
            assertEquals("vps-1", yaml.get("host").asText());
            assertEquals(scenario.repository().toString(), yaml.at("/system/repository").asText());
            assertEquals("nixos/default.nix", yaml.at("/system/expression").asText());
            assertEquals("system", yaml.at("/system/attribute").asText());
            assertEquals("/nix/var/nix/profiles/system", yaml.at("/nix/profile").asText());
            assertEquals(host.prefix(), List.of(new ObjectMapper().treeToValue(yaml.at("/nix/prefix"), String[].class)));
            assertEquals(host.nixEnvironment().get("NIX_CONFIG"), yaml.at("/nix/environment/NIX_CONFIG").asText());
            assertEquals("false", yaml.at("/nix/options/keep-build-log").asText());
            assertEquals("switch", yaml.get("switch").asText());
            assertEquals("package-stepping", yaml.at("/strategies/0/id").asText());
            assertEquals("quote \" and\nnewline", yaml.at("/strategies/1/settings/note").asText());
            assertEquals("statvfs", yaml.at("/probe/id").asText());
            assertEquals(host.storeRoot().resolve("store").toString(), yaml.at("/probe/settings/path").asText());
            assertEquals("generation", yaml.at("/rollback/id").asText());
            assertEquals("generation-prune", yaml.at("/reclaimers/1/id").asText());
            assertEquals(64, yaml.at("/provisioners/0/settings/mib").asInt());
            assertEquals(1048576, yaml.at("/engine/reserveBytes").asLong());
            assertEquals(host.stateDir().resolve("inchworm").toString(), yaml.get("stateDir").asText());
        }
    }
}
