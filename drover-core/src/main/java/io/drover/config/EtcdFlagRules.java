package io.drover.config;

import io.drover.config.YamlNode.Entry;
import java.math.BigInteger;
import java.util.Map;
import java.util.Set;

/**
 * The rules etcd itself applies to the values of its flags when it starts ({@code embed.Config.Validate} and the
 * flag types of {@code etcdmain/config.go}, the same in 3.4, 3.5 and 3.6), checked when the herd file is loaded: a
 * member refused by one of them exits at once, and its cluster would only see a member that never became healthy.
 */
final class EtcdFlagRules {
    /** etcd's {@code maxElectionMs}. */
    static final long MAX_ELECTION_TIMEOUT_MS = 50_000;
    /** etcd's defaults when the flag is not set. */
    static final long DEFAULT_HEARTBEAT_MS = 100;
    static final long DEFAULT_ELECTION_MS = 1000;

    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    private static final BigInteger INT64_MAX = BigInteger.valueOf(Long.MAX_VALUE);
    private static final BigInteger INT64_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    /** Flags etcd parses as unsigned integers (Go's {@code uint}/{@code uint64}, 64 bits on the platforms it supports). */
    private static final Set<String> UNSIGNED = Set.of("heartbeat-interval", "election-timeout", "snapshot-count",
            "max-snapshots", "max-wals", "max-txn-ops", "max-request-bytes", "bcrypt-cost", "auth-token-ttl");
    /** Flags etcd parses as signed 64-bit integers. */
    private static final Set<String> SIGNED = Set.of("quota-backend-bytes");

    private final Problems problems;

    EtcdFlagRules(Problems problems) {
        this.problems = problems;
    }

    /**
     * Checks the flags of one cluster.
     *
     * @param flags the flags that passed the name checks, with their values
     * @param entries where each flag was written
     */
    void check(Map<String, String> flags, Map<String, Entry> entries) {
        boolean numbersOk = true;
        for (Map.Entry<String, String> flag : flags.entrySet()) {
            numbersOk &= wholeNumber(flag.getKey(), flag.getValue(), entries.get(flag.getKey()));
        }
        String mode = flags.get("auto-compaction-mode");
        if (mode != null && !mode.equals("periodic") && !mode.equals("revision")) {
            problems.add(entries.get("auto-compaction-mode").value().position(),
                    "etcd refuses auto-compaction-mode '" + Problems.shown(mode) + "'", "use periodic or revision");
        }
        if (numbersOk) {
            timing(flags, entries);
        }
    }

    /** Whether the value is one etcd's flag parser takes, for the flags it parses as numbers. */
    private boolean wholeNumber(String flag, String value, Entry entry) {
        boolean unsigned = UNSIGNED.contains(flag);
        if (!unsigned && !SIGNED.contains(flag)) {
            return true;
        }
        BigInteger n = goInteger(value, !unsigned);
        if (n != null && n.compareTo(unsigned ? UINT64_MAX : INT64_MAX) <= 0 && (unsigned || n.compareTo(INT64_MIN) >= 0)) {
            return true;
        }
        problems.add(entry.value().position(), "etcd flag '" + flag + "' must be a " + (unsigned ? "non-negative " : "")
                + "whole number, got '" + Problems.shown(value) + "'", flag.endsWith("-interval") || flag.endsWith("-timeout")
                ? "write milliseconds without a unit, e.g. " + flag + ": " + (flag.equals("election-timeout") ? "1000" : "100")
                : "write a whole number, e.g. " + flag + ": " + (unsigned ? "100" : "8589934592"));
        return false;
    }

    /** etcd's timing rules: both positive, election at least 5 heartbeats, election at most 50 s. */
    private void timing(Map<String, String> flags, Map<String, Entry> entries) {
        long heartbeat = millis(flags, "heartbeat-interval", DEFAULT_HEARTBEAT_MS);
        long election = millis(flags, "election-timeout", DEFAULT_ELECTION_MS);
        if (heartbeat <= 0) {
            problems.add(entries.get("heartbeat-interval").value().position(), "etcd refuses heartbeat-interval 0",
                    "set it in milliseconds, e.g. heartbeat-interval: 100 (etcd's default)");
            return;
        }
        if (election <= 0) {
            problems.add(entries.get("election-timeout").value().position(), "etcd refuses election-timeout 0",
                    "set it in milliseconds, at least 5 times heartbeat-interval, e.g. election-timeout: 1000 (etcd's default)");
            return;
        }
        if (election > MAX_ELECTION_TIMEOUT_MS) {
            problems.add(entries.get("election-timeout").value().position(),
                    "etcd refuses election-timeout " + election + " ms: at most " + MAX_ELECTION_TIMEOUT_MS + " ms",
                    "set election-timeout to at most " + MAX_ELECTION_TIMEOUT_MS);
            return;
        }
        if (election < 5 * heartbeat) {
            // Point at the flag the user wrote; when both are written, at the election timeout (it is the one too small).
            String at = flags.containsKey("election-timeout") ? "election-timeout" : "heartbeat-interval";
            problems.add(entries.get(at).value().position(),
                    "etcd refuses election-timeout " + election + " ms with heartbeat-interval " + heartbeat + " ms: the election"
                            + " timeout must be at least 5 times the heartbeat interval",
                    "set election-timeout to at least " + 5 * heartbeat + ", or heartbeat-interval to at most " + election / 5
                            + (flags.containsKey("election-timeout") && flags.containsKey("heartbeat-interval") ? "" : " (etcd's default "
                            + (at.equals("election-timeout") ? "heartbeat-interval is " + DEFAULT_HEARTBEAT_MS : "election-timeout is "
                            + DEFAULT_ELECTION_MS) + ")"));
        }
    }

    /**
     * The value as Go's {@code strconv.ParseInt/ParseUint(value, 0, 64)} (etcd's flag parser) reads it: decimal, or
     * {@code 0x}, {@code 0o}, {@code 0b} or a leading {@code 0} (octal); a sign only when signed. {@code null} if unreadable.
     */
    static BigInteger goInteger(String value, boolean signed) {
        String digits = value;
        boolean negative = false;
        if (signed && !digits.isEmpty() && (digits.charAt(0) == '+' || digits.charAt(0) == '-')) {
            negative = digits.charAt(0) == '-';
            digits = digits.substring(1);
        }
        int radix = 10;
        String lower = digits.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("0x") || lower.startsWith("0o") || lower.startsWith("0b")) {
            radix = lower.charAt(1) == 'x' ? 16 : lower.charAt(1) == 'o' ? 8 : 2;
            digits = digits.substring(2);
        } else if (digits.length() > 1 && digits.charAt(0) == '0') {
            radix = 8;
            digits = digits.substring(1);
        }
        int base = radix;
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c < 128 && Character.digit(c, base) >= 0)) {
            return null;
        }
        BigInteger n = new BigInteger(digits, radix);
        return negative ? n.negate() : n;
    }

    /** A timing flag's value, known to be a whole number; values beyond a long are far above any limit. */
    private static long millis(Map<String, String> flags, String flag, long fallback) {
        String value = flags.get(flag);
        if (value == null) {
            return fallback;
        }
        BigInteger n = goInteger(value, false);
        return n.bitLength() < 63 ? n.longValue() : Long.MAX_VALUE / 8;
    }
}
