package io.drover.web;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Who may read the web view, decided per request before anything else runs.
 *
 * <ul>
 *   <li>Without a token (the default, bound to loopback): only requests whose {@code Host} is a loopback name or
 *       address are served, so a web page elsewhere cannot read the herd through DNS rebinding.</li>
 *   <li>With a token (required off loopback): a request shows it as {@code Authorization: Bearer TOKEN} (tools), as
 *       the view's cookie, or once as {@code ?token=TOKEN}: the browser is then given the cookie ({@code HttpOnly},
 *       {@code SameSite=Strict}) and sent to the same address without the token, so it leaves the address bar and
 *       the history, and the page's own requests (its event stream included) carry the cookie.</li>
 * </ul>
 */
public final class Access {
    private static final Pattern LOOPBACK_HOST = Pattern.compile("(localhost|127(\\.\\d{1,3}){3}|\\[::1])(:\\d{1,5})?");

    private final AccessToken token;
    private final String cookieName;

    /** A request as far as access is concerned; absent headers are null. */
    public record Request(String path, String rawQuery, String host, String authorization, String cookie) {}

    /** What to do with a request. */
    public sealed interface Decision {
        /** Serve it. */
        record Allow() implements Decision {}

        /** The token came in the URL and was right: set this cookie and redirect (303) to {@code location}. */
        record Remember(String location, String setCookie) implements Decision {}

        /** Refuse it with this status (401 without a valid token, 403 for a foreign Host) and a reason for people. */
        record Refuse(int status, String reason) implements Decision {}
    }

    /**
     * @param token the token every request must show, or null to serve loopback clients without one
     * @param port the port served, part of the cookie's name: cookies are per host, not per port
     */
    public Access(AccessToken token, int port) {
        this.token = token;
        this.cookieName = "drover_token_" + port;
    }

    public boolean requiresToken() {
        return token != null;
    }

    public Decision decide(Request r) {
        if (token == null) {
            if (r.host() == null || !LOOPBACK_HOST.matcher(r.host().toLowerCase(Locale.ROOT)).matches()) {
                return new Decision.Refuse(403, "this view answers loopback names only (Host: " + r.host() + "); to serve other"
                        + " hosts, bind it elsewhere with --bind, which requires a token");
            }
            return new Decision.Allow();
        }
        List<String> inUrl = queryValues(r.rawQuery(), "token");
        if (!inUrl.isEmpty()) {
            if (inUrl.size() == 1 && token.matches(inUrl.get(0))) {
                String rest = withoutToken(r.rawQuery());
                return new Decision.Remember(r.path() + (rest.isEmpty() ? "" : "?" + rest),
                        cookieName + "=" + token.value() + "; Path=/; HttpOnly; SameSite=Strict");
            }
            return new Decision.Refuse(401, "wrong token");
        }
        String auth = r.authorization();
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return token.matches(auth.substring(7).strip()) ? new Decision.Allow() : new Decision.Refuse(401, "wrong token");
        }
        String fromCookie = cookie(r.cookie(), cookieName);
        if (fromCookie != null) {
            return token.matches(fromCookie) ? new Decision.Allow() : new Decision.Refuse(401, "wrong token");
        }
        return new Decision.Refuse(401, "a token is required: open the address printed by drover (…/?token=…),"
                + " or send 'Authorization: Bearer TOKEN'");
    }

    static List<String> queryValues(String rawQuery, String name) {
        List<String> values = new ArrayList<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return values;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (key.equals(name)) {
                values.add(eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        return values;
    }

    private static String withoutToken(String rawQuery) {
        List<String> kept = new ArrayList<>();
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            if (!pair.isEmpty() && !decode(eq < 0 ? pair : pair.substring(0, eq)).equals("token")) {
                kept.add(pair);
            }
        }
        return String.join("&", kept);
    }

    private static String cookie(String header, String name) {
        if (header == null) {
            return null;
        }
        for (String part : header.split(";")) {
            String p = part.strip();
            if (p.startsWith(name + "=")) {
                return p.substring(name.length() + 1);
            }
        }
        return null;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s; // a malformed escape is just not a match
        }
    }
}
