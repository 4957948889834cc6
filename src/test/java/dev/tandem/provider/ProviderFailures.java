package dev.tandem.provider;

import dev.tandem.provider.ProviderException.Kind;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How a provider call is expected to fail, by the kind of {@link ProviderException} that decides what happens next. */
public final class ProviderFailures {
    private ProviderFailures() {
    }

    /** Fails with a permanent error (no retry, a condition for a person to act on); {@code more} checks the rest. */
    public static void assertPermanent(ThrowingCallable call, Consumer<ProviderException> more) {
        assertFails(call, Kind.PERMANENT, more);
    }

    /** Fails with a transient error (a later call may succeed); {@code more} checks the rest. */
    public static void assertTransient(ThrowingCallable call, Consumer<ProviderException> more) {
        assertFails(call, Kind.TRANSIENT, more);
    }

    /** Stops because the member is no longer master. */
    public static void assertSteppedDown(ThrowingCallable call) {
        assertFails(call, Kind.STEPPED_DOWN, e -> {
        });
    }

    /** Fails transiently on an answer it cannot read, and the message {@code says} what was wrong with it. */
    public static void assertMalformed(ThrowingCallable call, String... says) {
        assertTransient(call, e -> {
            assertThat(e.code()).isEqualTo("malformed_answer");
            assertThat(e.getMessage()).contains("unreadable answer").contains(says);
        });
    }

    private static void assertFails(ThrowingCallable call, Kind kind, Consumer<ProviderException> more) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.kind()).isEqualTo(kind);
            more.accept(e);
        });
    }
}
