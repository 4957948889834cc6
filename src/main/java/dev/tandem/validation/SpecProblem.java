package dev.tandem.validation;

/** One thing wrong with a resource's spec: the JSON path of the field and what is wrong with it. */
public record SpecProblem(String field, String message) {
    @Override
    public String toString() {
        return field + ": " + message;
    }
}
