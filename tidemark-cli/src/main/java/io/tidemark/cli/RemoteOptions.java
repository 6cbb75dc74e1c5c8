package io.tidemark.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code --server URL} and its token: with them a command works on a Tidemark server through its REST API, without
 * them on the local workspace. The token is read from {@code --token}, {@code --token-file} or {@code TIDEMARK_TOKEN}
 * and only ever sent in the {@code Authorization} header. {@link WorkspaceOptions} extends it (picocli mixins of
 * mixins would not see the command line they are parsed from).
 */
class RemoteOptions {
    @Spec(Spec.Target.MIXEE) CommandSpec mixee;

    @Option(names = "--server", paramLabel = "URL", defaultValue = "${env:TIDEMARK_SERVER}",
            description = "Work on this Tidemark server (http://host:port) instead of the local workspace (default: TIDEMARK_SERVER).")
    String server;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:TIDEMARK_TOKEN}",
            description = "API token for --server (default: TIDEMARK_TOKEN; --token-file keeps it out of the process list).")
    String token;

    @Option(names = "--token-file", paramLabel = "PATH", description = "File holding the API token for --server.")
    Path tokenFile;

    /** Whether the command works on a server. */
    boolean remote() { return server != null && !server.isBlank(); }

    /** The client of the server named by {@code --server}; only when {@link #remote()}. */
    ServerClient client() {
        return new ServerClient(serverUri(), apiToken());
    }

    private URI serverUri() {
        String text = server.strip();
        try {
            URI uri = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getQuery() == null && uri.getFragment() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below, with the forms that work
        }
        throw new CommandLine.ParameterException(mixee.commandLine(), "--server: expected the server's address such as "
                + "http://127.0.0.1:8080 or https://tidemark.example.com, not \"" + text + "\"");
    }

    private Optional<String> apiToken() {
        if (tokenFile == null) return Optional.ofNullable(token).map(String::strip).filter(t -> !t.isEmpty());
        if (mixee.commandLine().getParseResult().hasMatchedOption("--token")) {
            throw new CommandLine.ParameterException(mixee.commandLine(), "--token and --token-file both give the token; keep one");
        }
        try {
            return Optional.of(Files.readString(tokenFile).strip()).filter(t -> !t.isEmpty());
        } catch (IOException e) {
            throw new CommandLine.ParameterException(mixee.commandLine(), "--token-file: cannot read " + tokenFile + " ("
                    + e.getClass().getSimpleName() + "); give a readable file holding the token");
        }
    }
}
