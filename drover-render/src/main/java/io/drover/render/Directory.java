package io.drover.render;

import java.util.function.UnaryOperator;

/** A directory ({@code storage.directories[]} in Butane); {@code mode} null means 0755. */
public record Directory(String path, Integer mode, Owner owner) {
    Directory mapStrings(UnaryOperator<String> f) {
        return this;
    }
}
