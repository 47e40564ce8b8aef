package io.drover.view;

import io.drover.state.LockInfo;

/**
 * Who holds the state lock.
 *
 * @param id what {@code drover force-unlock} takes
 */
public record LockView(String id, String operation, String user, String host, long pid, String since, String description) {

    public static LockView of(LockInfo info) {
        return new LockView(info.id(), info.operation(), info.user(), info.host(), info.pid(),
                info.since() == null ? null : info.since().toString(), info.describe());
    }
}
