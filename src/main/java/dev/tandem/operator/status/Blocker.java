package dev.tandem.operator.status;

import dev.tandem.validation.SpecProblem;

import java.util.List;
import java.util.stream.Collectors;

/** Something that stops a resource from working, with the condition reason it is reported under. */
public record Blocker(String reason, String message) {
    public static final String INVALID_SPEC = "InvalidSpec";

    public static Blocker invalidSpec(List<SpecProblem> problems) {
        return new Blocker(INVALID_SPEC, problems.stream().map(SpecProblem::toString).collect(Collectors.joining("; ")));
    }
}
