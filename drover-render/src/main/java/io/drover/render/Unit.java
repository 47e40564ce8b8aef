package io.drover.render;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A systemd unit ({@code systemd.units[]} in Butane).
 *
 * @param contents the unit file, or {@code null} to only add drop-ins to / enable a unit the image has
 * @param enabled {@code null} leaves the image's choice alone
 */
public record Unit(String name, Boolean enabled, String contents, List<DropIn> dropins) {
    public Unit {
        dropins = List.copyOf(dropins);
    }

    Unit mapStrings(UnaryOperator<String> f) {
        return new Unit(name, enabled, FirstBoot.map(f, contents), dropins.stream().map(d -> d.mapStrings(f)).toList());
    }

    /** A drop-in, written as {@code /etc/systemd/system/NAME.d/DROPIN}. */
    public record DropIn(String name, String contents) {
        DropIn mapStrings(UnaryOperator<String> f) {
            return new DropIn(name, FirstBoot.map(f, contents));
        }
    }
}
