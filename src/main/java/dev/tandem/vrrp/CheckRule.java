package dev.tandem.vrrp;

/**
 * How one health check counts towards a member's priority (keepalived's {@code vrrp_script} rise/fall/weight).
 *
 * @param name unique among the member's checks
 * @param rise consecutive successes that make a failing check pass, at least 1
 * @param fall consecutive failures that make a passing check fail, at least 1
 * @param weight how much a failing check lowers the priority, 1-254; 0 means the check has no weight and its
 *               failure puts the member in FAULT
 */
public record CheckRule(String name, int rise, int fall, int weight) {
    public static final int NO_WEIGHT = 0;

    public CheckRule {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a health check needs a name, got " + (name == null ? "null" : "\"\""));
        }
        if (rise < 1) {
            throw new IllegalArgumentException("check " + name + ": rise must be at least 1, got " + rise);
        }
        if (fall < 1) {
            throw new IllegalArgumentException("check " + name + ": fall must be at least 1, got " + fall);
        }
        if (weight < 0 || weight > 254) {
            throw new IllegalArgumentException("check " + name + ": weight must be 0 (failure is a fault) to 254, got "
                    + weight);
        }
    }

    public boolean hasWeight() {
        return weight != NO_WEIGHT;
    }
}
