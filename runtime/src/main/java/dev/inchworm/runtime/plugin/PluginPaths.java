package dev.inchworm.runtime.plugin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * What sshd's StrictModes checks, for the code Inchworm runs (as root): a plugin folder and
 * each jar in it must be owned by root or by the user running Inchworm, and writable by
 * neither group nor others; a symbolic link is judged by what it points at. Anything else is
 * a {@link PluginException} naming the path (exit 2), before a class of it is loaded.
 */
final class PluginPaths {

    private PluginPaths() {
    }

    /** Checks a folder of plugins that exists, and its jars. */
    static void requireSafe(Path path) {
        Path real;
        try {
            real = path.toRealPath();
        } catch (IOException e) {
            throw new PluginException("cannot check plugin path " + path + ": " + e.getMessage(), e);
        }
        String shown = real.equals(path.toAbsolutePath()) ? path.toString() : path + " (" + real + ")";
        int owner;
        Set<PosixFilePermission> mode;
        try {
            owner = (Integer) Files.getAttribute(real, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            mode = Files.getPosixFilePermissions(real, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException e) {
            throw new PluginException("cannot check the owner and mode of plugin path " + shown + ": " + e, e);
        }
        int self = currentUid();
        if (owner != 0 && owner != self) {
            throw new PluginException("plugin path " + shown + " is owned by uid " + owner + ", not by root or the user "
                    + "running Inchworm (uid " + self + "): plugins run with Inchworm's rights; chown it");
        }
        if (mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new PluginException("plugin path " + shown + " is writable by "
                    + (mode.contains(PosixFilePermission.OTHERS_WRITE) ? "others" : "its group")
                    + ": whoever can write there runs code with Inchworm's rights; chmod go-w " + path);
        }
    }

    /** The effective uid of this process (the owner of {@code /proc/self}). */
    static int currentUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            return 0;
        }
    }
}
