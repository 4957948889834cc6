package dev.tandem.lab;

/** Something the lab cannot do, in one sentence a user can act on; the lab tears down and prints it. */
public class LabException extends RuntimeException {
    public LabException(String message) {
        super(message);
    }

    public LabException(String message, Throwable cause) {
        super(message, cause);
    }
}
