package io.drover.render;

import java.util.List;
import java.util.function.UnaryOperator;

/** A user account ({@code passwd.users[]} in Butane). */
public record User(String name, List<String> sshAuthorizedKeys, List<String> groups, String homeDir, String shell) {
    public User {
        sshAuthorizedKeys = List.copyOf(sshAuthorizedKeys);
        groups = List.copyOf(groups);
    }

    User mapStrings(UnaryOperator<String> f) {
        return new User(f.apply(name), sshAuthorizedKeys.stream().map(f).toList(), groups, FirstBoot.map(f, homeDir), FirstBoot.map(f, shell));
    }
}
