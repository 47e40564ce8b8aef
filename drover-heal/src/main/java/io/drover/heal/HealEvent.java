package io.drover.heal;

import io.drover.spi.Timestamps;
import io.drover.view.EventView;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Something heal noticed or did, printed as it happens and appended to the herd's event log (which also records
 * operators' applies, as {@link Kind#APPLY}).
 *
 * @param resource the slot ({@code etcd[1]}), or the cluster or herd for events about more than one server
 * @param server the server concerned, if one
 * @param took how long it took: detection (first failed check to decision) or healing (decision to healthy)
 */
public record HealEvent(Instant time, Kind kind, String cluster, String resource, String server, String message, Duration took) {

    public enum Kind {
        /** A server failed a check (it is not replaced yet: fewer than {@code failures} in a row). */
        FAILING,
        /** A server recovered before it was replaced. */
        RECOVERED,
        /** Heal decided to replace a server (it failed its checks, died, drifted...). */
        DETECTED,
        /** An engine step: replacing, creating, destroying, progress. */
        STEP,
        /** A slot is whole again: its new server is healthy. */
        HEALED,
        /** An engine step failed; the next pass tries again. */
        FAILED,
        /** An etcd cluster lost quorum: heal will not touch it (see docs/disaster-recovery.md). */
        QUORUM_LOST,
        /** A slot was replaced recently and must wait before the next replacement. */
        BACKOFF,
        /** Someone else (e.g. an operator's apply) holds the state lock: this pass did nothing. */
        LOCKED,
        /** Heal started or stopped. */
        LIFECYCLE,
        /** This replica took the lead, follows another, stopped leading (and why), or resigned. */
        LEADERSHIP,
        /** An operator's {@code drover apply} or {@code destroy}: started, each step, finished (written by those commands). */
        APPLY
    }

    public static HealEvent of(Kind kind, String cluster, String resource, String server, String message) {
        return new HealEvent(Instant.now(), kind, cluster, resource, server, message, null);
    }

    public HealEvent took(Duration d) {
        return new HealEvent(time, kind, cluster, resource, server, message, d);
    }

    /** The JSON form: one object per line in {@code --json} output and in the event log. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", time.toString());
        m.put("type", kind.name().toLowerCase());
        if (cluster != null) {
            m.put("cluster", cluster);
        }
        if (resource != null) {
            m.put("resource", resource);
        }
        if (server != null) {
            m.put("server", server);
        }
        m.put("message", message);
        if (took != null) {
            m.put("seconds", took.toMillis() / 1000.0);
        }
        return m;
    }

    /** The same as {@link #toMap()}, typed for the herd views. */
    public EventView view() {
        return new EventView(time.toString(), kind.name().toLowerCase(), cluster, resource, server, message,
                took == null ? null : took.toMillis() / 1000.0);
    }

    public static HealEvent fromMap(Map<String, Object> m) {
        Object seconds = m.get("seconds");
        return new HealEvent(Timestamps.parse((String) m.get("time")), Kind.valueOf(((String) m.get("type")).toUpperCase()),
                (String) m.get("cluster"), (String) m.get("resource"), (String) m.get("server"), (String) m.get("message"),
                seconds instanceof Number n ? Duration.ofMillis(Math.round(n.doubleValue() * 1000)) : null);
    }

    /** One line for people. */
    public String describe() {
        String who = resource != null ? resource : cluster != null ? cluster : "heal";
        return who + ": " + message + (took == null ? "" : String.format(" (%.2fs)", took.toMillis() / 1000.0));
    }
}
