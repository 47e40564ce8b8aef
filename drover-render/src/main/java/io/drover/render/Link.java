package io.drover.render;

import java.util.function.UnaryOperator;

/** A symbolic (or hard) link ({@code storage.links[]} in Butane). */
public record Link(String path, String target, boolean hard, Owner owner) {
    Link mapStrings(UnaryOperator<String> f) {
        return new Link(path, f.apply(target), hard, owner);
    }
}
