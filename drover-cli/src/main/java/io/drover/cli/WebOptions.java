package io.drover.cli;

import io.drover.engine.Engine;
import io.drover.heal.EventLog;
import io.drover.spi.FileErrors;
import io.drover.web.AccessToken;
import io.drover.web.HerdObserver;
import io.drover.web.WebServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where the web view listens and who may read it: shared by {@code drover serve} and {@code drover heal --ui}. */
final class WebOptions {
    static final int DEFAULT_PORT = 9478;
    static final String TOKEN_VARIABLE = "DROVER_WEB_TOKEN";

    @Option(names = "--port", paramLabel = "PORT", description = "Port of the web view (default: " + DEFAULT_PORT + "; 0 picks a free one).")
    Integer port;

    @Option(names = "--bind", paramLabel = "ADDR",
            description = "Address to listen on (default: 127.0.0.1). Any other address requires a token: see --token-file.")
    String bind;

    @Option(names = "--token-file", paramLabel = "FILE", description = {
        "Read the access token from FILE (or set " + TOKEN_VARIABLE + "). A token given this way is required on loopback "
            + "too; bound elsewhere without one, drover makes one up and prints it once."})
    Path tokenFile;

    boolean given() {
        return port != null || bind != null || tokenFile != null;
    }

    /** Starts the web view of the session's herd; the caller closes the server, then the observer. */
    Served start(Session session, PrintStream out) throws io.drover.state.StateException {
        int p = port == null ? DEFAULT_PORT : port;
        if (p < 0 || p > 65535) {
            throw new UserError("--port must be between 0 and 65535, got " + p);
        }
        InetAddress address;
        try {
            address = bind == null ? InetAddress.getLoopbackAddress() : InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new UserError("--bind: '" + bind + "' is not an address (give an IP address of this machine, e.g. 0.0.0.0 for all)");
        }
        AccessToken token = token(System.getenv());
        HerdObserver observer = new HerdObserver(session.runnable(), session.providers, session.store(), System.getenv(), Duration.ofSeconds(1));
        WebServer server;
        try {
            server = WebServer.start(observer, new EventLog(Engine.workDir(session.herd)),
                    WebServer.Settings.loopback(p).withBind(address).withToken(token));
        } catch (IOException e) {
            observer.close();
            throw new UserError("cannot serve the web view on " + address.getHostAddress() + ":" + p + ": " + e.getMessage()
                    + (p == DEFAULT_PORT ? " (is another 'drover serve' running? pick another --port)" : " (pick another --port)"));
        }
        if (!server.requiresToken()) {
            out.println("Web view of herd '" + session.herd.name() + "': " + server.browserUrl());
        } else if (token == null) {
            // Made up here: shown this once, never logged.
            out.println("Web view of herd '" + session.herd.name() + "' on " + address.getHostAddress() + ":" + server.port()
                    + " (a token is required off loopback). Open, once:");
            out.println("  " + server.browserUrl());
            out.println("  (tools: 'Authorization: Bearer " + server.token().value() + "'; choose your own token with --token-file or "
                    + TOKEN_VARIABLE + ")");
        } else {
            String url = server.browserUrl().toString();
            out.println("Web view of herd '" + session.herd.name() + "': " + url.substring(0, url.indexOf("?token=")) + "?token=TOKEN"
                    + " (the token from " + (tokenFile != null ? tokenFile : TOKEN_VARIABLE) + ")");
        }
        out.flush();
        return new Served(server, observer);
    }

    private AccessToken token(Map<String, String> environment) {
        if (tokenFile != null) {
            try {
                return AccessToken.of(Files.readString(tokenFile), tokenFile.toString());
            } catch (IOException e) {
                throw new UserError("cannot read the token file " + tokenFile + ": " + FileErrors.describe(e));
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
        }
        String fromEnv = environment.get(TOKEN_VARIABLE);
        if (fromEnv != null && !fromEnv.isBlank()) {
            try {
                return AccessToken.of(fromEnv, TOKEN_VARIABLE);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
        }
        return null;
    }

    /** A running web view and what it looks through; closing stops both. */
    record Served(WebServer server, HerdObserver observer) implements AutoCloseable {
        @Override
        public void close() {
            server.close();
            observer.close();
        }
    }
}
