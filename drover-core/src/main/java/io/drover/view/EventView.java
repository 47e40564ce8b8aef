package io.drover.view;

/**
 * One event of the herd's event log, as {@code drover heal --json} and {@code /api/events} write it.
 *
 * @param type {@code detected}, {@code healed}, {@code apply}, ... (see docs/heal.md)
 * @param seconds how long what it reports took, {@code null} when it took no time worth saying
 */
public record EventView(String time, String type, String cluster, String resource, String server, String message, Double seconds) {}
