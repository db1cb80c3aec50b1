package dev.inchworm.runtime.engine.phase;

import dev.inchworm.api.provision.Provisioner;
import dev.inchworm.runtime.engine.Bound;
import dev.inchworm.runtime.journal.RunFailure;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acquires the profile's provisioners before the run works and releases them after it. The
 * journal names each one before it is acquired, so a crash never leaves one held unnoticed.
 */
final class Provisioners {

    private static final Logger LOG = LoggerFactory.getLogger("inchworm.engine");

    private Provisioners() {
    }

    /** Acquires those not yet held, in profile order; throws {@link RunFailed} when one cannot. */
    static void acquire(ActiveRun run) {
        for (Bound<? extends Provisioner<?>, ?> provisioner : run.setup().extensions().provisioners()) {
            if (run.record().provisioners().contains(provisioner.id())) {
                continue;
            }
            run.update(r -> r.withProvisioners(plus(r.provisioners(), provisioner.id())));
            run.progress().stage("acquiring " + provisioner.id());
            try {
                run.calls().acquire(provisioner);
            } catch (RuntimeException e) {
                LOG.warn("provisioner {} failed to acquire", provisioner.id(), e);
                throw new RunFailed(RunFailure.of("provisioner " + provisioner.id() + " could not acquire: "
                        + e.getMessage()));
            }
        }
    }

    /** Releases what the journal records as acquired, in reverse order; never throws for a plugin. */
    static void release(ActiveRun run) {
        List<String> held = new ArrayList<>(run.record().provisioners());
        Collections.reverse(held);
        for (String id : held) {
            Optional<Bound<? extends Provisioner<?>, ?>> provisioner = run.setup().extensions().provisioners().stream()
                    .filter(b -> b.id().equals(id)).findFirst();
            if (provisioner.isEmpty()) {
                run.progress().note("provisioner " + id
                        + " was acquired but is no longer in the profile: release it by hand");
            } else {
                run.progress().stage("releasing " + id);
                try {
                    run.calls().release(provisioner.get());
                } catch (RuntimeException e) {
                    LOG.warn("provisioner {} failed to release", id, e);
                    run.progress().note("provisioner " + id + " failed to release: " + e.getMessage());
                }
            }
            run.update(r -> r.withProvisioners(minus(r.provisioners(), id)));
        }
    }

    private static List<String> plus(List<String> list, String item) {
        List<String> more = new ArrayList<>(list);
        more.add(item);
        return more;
    }

    private static List<String> minus(List<String> list, String item) {
        List<String> less = new ArrayList<>(list);
        less.remove(item);
        return less;
    }
}
