package io.drover.backup;

/**
 * Why a backup or a restore cannot go on. Callers decide from the type, never from the message; the message says what
 * and how to fix it, for the user.
 */
public sealed class BackupException extends Exception
        permits BackupException.Missing, BackupException.Damaged, BackupException.NotWritable, BackupException.WrongCluster,
        BackupException.NothingBefore, BackupException.Unreachable, BackupException.Incomplete {

    BackupException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The store has no object of that name (or no snapshot at all). */
    public static final class Missing extends BackupException {
        public Missing(String message) {
            super(message, null);
        }
    }

    /** An object whose bytes do not match the checksum written with them, or that cannot be read as a snapshot. */
    public static final class Damaged extends BackupException {
        public Damaged(String message) {
            super(message, null);
        }
    }

    /** The store cannot take new objects (a read-only directory, a file where the directory should be, a full disk). */
    public static final class NotWritable extends BackupException {
        public NotWritable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A snapshot taken from another herd's or another cluster's data. */
    public static final class WrongCluster extends BackupException {
        public WrongCluster(String message) {
            super(message, null);
        }
    }

    /** A point in time before the first full snapshot: there is nothing to restore it from. */
    public static final class NothingBefore extends BackupException {
        public NothingBefore(String message) {
            super(message, null);
        }
    }

    /** No member of the cluster answers (a backup needs one healthy member). */
    public static final class Unreachable extends BackupException {
        public Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A restore that did not reach the snapshot's data (a member that never became healthy, a copy that fell short). */
    public static final class Incomplete extends BackupException {
        public Incomplete(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
