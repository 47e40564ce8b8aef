package io.drover.cli;

/** Exit codes, as Terraform users expect them. */
public final class ExitCodes {
    public static final int OK = 0;
    /** A command failed (provider, state, apply step). */
    public static final int ERROR = 1;
    /** The herd file is invalid; or, for {@code plan --detailed-exitcode}, "there are changes". */
    public static final int INVALID_OR_CHANGES = 2;

    private ExitCodes() {}
}
