package dev.inchworm.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares how stable a public API type is, so plugin authors know what they may rely on.
 * Modelled on apiguardian's {@code @API}; kept here so the api depends on nothing new.
 * An ArchUnit rule checks that every public type of {@code dev.inchworm.api} carries it.
 */
@Api(status = Api.Status.STABLE, since = "0.1")
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.FIELD})
public @interface Api {

    /** How stable the annotated element is. */
    Status status();

    /** The api version in which the element reached its status, e.g. {@code "0.1"}. */
    String since() default "";

    /** Stability levels, in order of decreasing promise. */
    @Api(status = Status.STABLE, since = "0.1")
    enum Status {
        /** Kept compatible within a major version. */
        STABLE,
        /** Usable, but may change in a minor version. */
        EXPERIMENTAL,
        /** Public for technical reasons only; plugins must not use it. */
        INTERNAL
    }
}
