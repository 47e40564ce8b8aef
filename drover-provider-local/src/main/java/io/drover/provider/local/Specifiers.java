package io.drover.provider.local;

import java.nio.file.Path;
import java.util.Map;

/**
 * systemd specifiers ({@code %S}, {@code %n}, ...) mapped into a server's root, so that a unit written for a real
 * machine ({@code --data-dir=%S/etcd}) keeps its state inside the server. JDK only.
 */
final class Specifiers {
    private final Map<Character, String> values;

    Specifiers(Map<Character, String> values) {
        this.values = Map.copyOf(values);
    }

    static Specifiers forUnit(Path root, String serverName, String unitName) {
        int dot = unitName.lastIndexOf('.');
        String prefixAndInstance = dot < 0 ? unitName : unitName.substring(0, dot);
        int at = prefixAndInstance.indexOf('@');
        String prefix = at < 0 ? prefixAndInstance : prefixAndInstance.substring(0, at);
        String instance = at < 0 ? "" : prefixAndInstance.substring(at + 1);
        return new Specifiers(Map.ofEntries(
                Map.entry('S', root.resolve("var/lib").toString()),
                Map.entry('E', root.resolve("etc").toString()),
                Map.entry('C', root.resolve("var/cache").toString()),
                Map.entry('L', root.resolve("var/log").toString()),
                Map.entry('t', root.resolve("run").toString()),
                Map.entry('h', root.resolve("root").toString()),
                Map.entry('T', root.resolve("tmp").toString()),
                Map.entry('V', root.resolve("var/tmp").toString()),
                Map.entry('H', serverName),
                Map.entry('l', serverName),
                Map.entry('n', unitName),
                Map.entry('N', prefixAndInstance),
                Map.entry('p', prefix),
                Map.entry('i', instance),
                Map.entry('I', instance),
                Map.entry('u', "root"),
                Map.entry('U', "0")));
    }

    /** Replaces specifiers; {@code %%} is a literal {@code %}; unknown specifiers are left as they are. */
    String expand(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 32);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '%' || i + 1 >= text.length()) {
                out.append(c);
                continue;
            }
            char s = text.charAt(++i);
            if (s == '%') {
                out.append('%');
            } else if (values.containsKey(s)) {
                out.append(values.get(s));
            } else {
                out.append('%').append(s);
            }
        }
        return out.toString();
    }
}
