package dev.inchworm.runtime.plugin;

import dev.inchworm.api.Pluggable;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;

/**
 * The version of the api the runtime was started with: what plugins' {@code Plugin-Requires}
 * is checked against. Read from the api jar's {@code Inchworm-Api-Version} manifest entry.
 */
public final class ApiVersion {

    /** Used when the api is not a jar (classes folder in a development build). */
    public static final String COMPILED = "0.1.0";

    private static final String CURRENT = read();

    private ApiVersion() {
    }

    /** The api version, e.g. {@code 0.1.0}. */
    public static String current() {
        return CURRENT;
    }

    private static String read() {
        try {
            Path location = Path.of(Pluggable.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(location)) {
                try (JarFile jar = new JarFile(location.toFile())) {
                    if (jar.getManifest() != null) {
                        String version = jar.getManifest().getMainAttributes().getValue("Inchworm-Api-Version");
                        if (version != null && !version.isBlank()) {
                            return version.trim();
                        }
                    }
                }
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            // fall through: an unreadable manifest is not a reason to refuse to start
        }
        String implementation = Pluggable.class.getPackage().getImplementationVersion();
        return implementation != null ? implementation : COMPILED;
    }
}
