package dev.tandem.operator.children;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class ChildNamesTest {
    /** RFC 1123 label, as pod and DaemonSet names in practice need. */
    private static final Pattern DNS_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");

    @Test
    void shortNamesArePrefixed() {
        assertThat(ChildNames.base("haproxy")).isEqualTo("tandem-haproxy");
        String longest = "a".repeat(52 - "tandem-".length());
        assertThat(ChildNames.base(longest)).isEqualTo("tandem-" + longest);
    }

    @Test
    void longNamesAreShortenedTo52CharactersDeterministically() {
        String name = "edge-load-balancers-for-the-customer-facing-api-in-frankfurt-zone-a";

        String base = ChildNames.base(name);

        assertThat(base).hasSizeLessThanOrEqualTo(52).startsWith("tandem-edge-load-balancers");
        assertThat(base).matches(DNS_LABEL);
        assertThat(ChildNames.base(name)).isEqualTo(base);
    }

    @Test
    void aCutAtAHyphenStillEndsInALetterOrDigit() {
        // "tandem-" + 35 letters + "-" puts a hyphen at the cut, just before the hash.
        String name = "a".repeat(35) + "-" + "b".repeat(30);

        assertThat(ChildNames.base(name)).hasSizeLessThanOrEqualTo(52).matches(DNS_LABEL).doesNotContain("--");
    }

    @Test
    void longNamesDifferingOnlyAtTheEndStayDistinct() {
        String stem = "edge-load-balancers-for-the-customer-facing-api-in-frankfurt-";

        assertThat(ChildNames.base(stem + "zone-a")).isNotEqualTo(ChildNames.base(stem + "zone-b"));
    }

    @Test
    void derivedNamesStayWithinLimits() {
        String name = "x".repeat(253);

        assertThat(ChildNames.authSecret(name)).hasSizeLessThanOrEqualTo(63).endsWith("-auth");
        assertThat(ChildNames.labelValue("haproxy")).isEqualTo("haproxy");
        assertThat(ChildNames.labelValue(name)).hasSizeLessThanOrEqualTo(63).isEqualTo(ChildNames.base(name));
    }

    @Property
    void everyDnsLabelNameGivesAValidShortBase(@ForAll @StringLength(min = 1, max = 253)
                                               @CharRange(from = 'a', to = 'z') @CharRange(from = '0', to = '9')
                                               @Chars({'-'}) String raw) {
        String name = "p" + raw.replaceAll("-+$", "") + "0";

        String base = ChildNames.base(name);

        assertThat(base).hasSizeLessThanOrEqualTo(52).matches(DNS_LABEL);
        assertThat(ChildNames.base(name)).isEqualTo(base);
    }
}
