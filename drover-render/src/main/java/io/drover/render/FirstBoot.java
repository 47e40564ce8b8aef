package io.drover.render;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What a server is configured with at first boot, in Butane's vocabulary (passwd, storage, systemd). The
 * herd file's {@code firstBoot:} section parses into this; renderers turn it into Ignition v3 JSON or
 * cloud-init user data. Strings may hold {@code ${...}} templates until {@link #mapStrings} resolves them
 * for one server.
 */
public record FirstBoot(List<User> users, List<FileEntry> files, List<Directory> directories, List<Link> links, List<Unit> units) {

    public static final FirstBoot EMPTY = new FirstBoot(List.of(), List.of(), List.of(), List.of(), List.of());

    public FirstBoot {
        users = List.copyOf(users);
        files = List.copyOf(files);
        directories = List.copyOf(directories);
        links = List.copyOf(links);
        units = List.copyOf(units);
    }

    /** This config followed by {@code other}'s entries (roles add their files and units this way). */
    public FirstBoot plus(FirstBoot other) {
        return new FirstBoot(
                concat(users, other.users),
                concat(files, other.files),
                concat(directories, other.directories),
                concat(links, other.links),
                concat(units, other.units));
    }

    /** A copy with {@code f} applied to every user-written string (used to resolve templates per server). */
    public FirstBoot mapStrings(UnaryOperator<String> f) {
        return new FirstBoot(
                users.stream().map(u -> u.mapStrings(f)).toList(),
                files.stream().map(x -> x.mapStrings(f)).toList(),
                directories.stream().map(x -> x.mapStrings(f)).toList(),
                links.stream().map(x -> x.mapStrings(f)).toList(),
                units.stream().map(x -> x.mapStrings(f)).toList());
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    static String map(UnaryOperator<String> f, String s) {
        return s == null ? null : f.apply(s);
    }
}
