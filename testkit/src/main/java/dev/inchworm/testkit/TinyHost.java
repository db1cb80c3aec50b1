package dev.inchworm.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Chooses the disk of a {@link SandboxHost} that {@link SandboxExtension} injects; without it
 * the host is a 64 MiB tmpfs named {@code sandbox}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.PARAMETER, ElementType.METHOD, ElementType.TYPE})
public @interface TinyHost {

    /** The disk size in MiB. */
    int mib() default 64;

    /** A loop-mounted ext4 image instead of a tmpfs. */
    boolean loopExt4() default false;

    /** A swap-capable folder on the disk (needs {@link #loopExt4()}). */
    boolean swapFolder() default false;

    /** A journal folder on the disk (needs {@link #loopExt4()}). */
    boolean journal() default false;

    /** Build folders ({@code TMPDIR}) on the small disk. */
    boolean tmpDirInStore() default false;

    /** The host's name. */
    String name() default "sandbox";
}
