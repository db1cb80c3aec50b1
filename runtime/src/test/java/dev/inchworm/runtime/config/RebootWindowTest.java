package dev.inchworm.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalTime;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The reboot window's arithmetic, as autoUpgrade's rebootWindow compares HH:MM. */
class RebootWindowTest {

    private static LocalTime t(String hhmm) {
        return RebootWindow.parseTime(hhmm);
    }

    @Test
    void aWindowIncludesBothEndsByTheMinute() {
        RebootWindow w = new RebootWindow(t("01:00"), t("05:00"));
        assertTrue(w.contains(LocalTime.of(1, 0)));
        assertTrue(w.contains(LocalTime.of(5, 0, 59)));
        assertFalse(w.contains(LocalTime.of(5, 1)));
        assertFalse(w.contains(LocalTime.of(0, 59, 59)));
        assertFalse(w.contains(LocalTime.of(12, 0)));
    }

    @Test
    void aWindowWhoseLowerIsAfterItsUpperWrapsMidnight() {
        RebootWindow w = new RebootWindow(t("23:00"), t("02:00"));
        assertTrue(w.contains(LocalTime.of(23, 30)));
        assertTrue(w.contains(LocalTime.MIDNIGHT));
        assertTrue(w.contains(LocalTime.of(2, 0)));
        assertFalse(w.contains(LocalTime.of(2, 1)));
        assertFalse(w.contains(LocalTime.of(22, 59)));
        assertEquals("23:00-02:00", w.toString());
    }

    @Test
    void notAllowedNeverReboots() {
        assertFalse(RebootConfig.defaults().allowsAt(LocalTime.NOON));
        assertTrue(new RebootConfig(true, Optional.empty(), RebootConfig.DEFAULT_COMMAND).allowsAt(LocalTime.NOON));
    }

    @Test
    void timesAreHhMm() {
        assertThrows(IllegalArgumentException.class, () -> t("1:00"));
        assertThrows(IllegalArgumentException.class, () -> t("24:00"));
        assertThrows(IllegalArgumentException.class, () -> t("01:60"));
        IllegalArgumentException number = assertThrows(IllegalArgumentException.class, () -> t("1380"));
        assertTrue(number.getMessage().contains("quote it"), number.getMessage());
    }

    @Provide
    Arbitrary<LocalTime> minutes() {
        return Arbitraries.integers().between(0, 24 * 60 - 1).map(m -> LocalTime.of(m / 60, m % 60));
    }

    @Property
    void aTimeIsInAWindowOrInItsComplement(@ForAll("minutes") LocalTime lower, @ForAll("minutes") LocalTime upper,
                                           @ForAll("minutes") LocalTime now) {
        // The complement of lower..upper is upper+1..lower-1, wrapping: exactly one holds, unless it is empty.
        RebootWindow window = new RebootWindow(lower, upper);
        if (upper.plusMinutes(1).equals(lower)) {
            assertTrue(window.contains(now), "a whole day");
            return;
        }
        RebootWindow complement = new RebootWindow(upper.plusMinutes(1), lower.minusMinutes(1));
        assertTrue(window.contains(now) ^ complement.contains(now), window + " / " + complement + " at " + now);
    }

    @Property
    void bothEndsAreInside(@ForAll("minutes") LocalTime lower, @ForAll("minutes") LocalTime upper) {
        RebootWindow window = new RebootWindow(lower, upper);
        assertTrue(window.contains(lower) && window.contains(upper));
    }

    @Property
    void aWindowThatDoesNotWrapIsAPlainInterval(@ForAll("minutes") LocalTime a, @ForAll("minutes") LocalTime b,
                                               @ForAll("minutes") LocalTime now) {
        LocalTime lower = a.isBefore(b) ? a : b;
        LocalTime upper = a.isBefore(b) ? b : a;
        boolean inside = now.compareTo(lower) >= 0 && now.compareTo(upper) <= 0;
        assertEquals(inside, new RebootWindow(lower, upper).contains(now));
    }
}
