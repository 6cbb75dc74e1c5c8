package io.tidemark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.server.api.ApiJson;
import io.tidemark.server.security.ApiTokens;
import io.tidemark.server.security.Scope;
import io.tidemark.store.ApiToken;
import io.tidemark.store.AuditEntry;
import io.tidemark.store.StateStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * API tokens, straight in the server's state store — how the first admin token comes to be — or through the API of a
 * running server with an admin token ({@code --server}). A token is printed once; only its hash is stored.
 */
@Command(name = "token", description = "Create, list and revoke the server's API tokens (in its state store, or with --server through its API).",
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
final class TokenCommand {
    /** Where the server's state store is — its URL, or the data folder of a server on the SQLite default — or the server itself. */
    static final class StoreOptions extends RemoteOptions {
        @Option(names = "--state-store", description = "The server's state store JDBC URL.")
        String stateStore;

        @Option(names = "--data-dir", defaultValue = ".", description = "The server's data folder, when it uses the SQLite default (default: the current folder).")
        Path dataDir;

        StateStore open() {
            Clock clock = Clock.systemUTC();
            return stateStore != null ? StateStore.open(stateStore, null, null, clock) : StateStore.defaultSqlite(dataDir.toAbsolutePath(), clock);
        }

        /** The server's API, when {@code --server} is given (then the store options name nothing). */
        Optional<ServerClient> server() {
            if (!remote()) return Optional.empty();
            for (String local : new String[] {"--state-store", "--data-dir"}) {
                if (mixee.commandLine().getParseResult().hasMatchedOption(local)) {
                    throw new CommandLine.ParameterException(mixee.commandLine(), local + " names the server's state store; with "
                            + "--server the tokens are managed through its API: drop one of them");
                }
            }
            return Optional.of(client());
        }
    }

    @Command(name = "create", description = "Create a token and print it (once).")
    static final class Create implements Callable<Integer> {
        @Mixin StoreOptions store;

        @Parameters(paramLabel = "NAME", description = "Who or what uses the token; shown as the actor in the audit trail.")
        String name;

        @Option(names = "--scope", required = true, description = "read-only, operator or admin.")
        String scope;

        @Override
        public Integer call() {
            Optional<ServerClient> server = store.server();
            String token;
            if (server.isPresent()) {
                try (ServerClient client = server.get()) {
                    token = client.post("/api/v1/tokens", Map.of("name", name, "scope", scope)).path("token").asText();
                }
            } else {
                Scope parsed = Scope.fromConfigName(scope);
                token = ApiTokens.newToken();
                try (StateStore s = store.open()) {
                    ApiToken created = s.createToken(name, parsed.configName(), ApiTokens.hash(token));
                    s.appendAudit(new AuditEntry("cli", "create token", "token/" + name, Optional.empty(), Optional.empty(),
                            Optional.of("scope " + created.scope())));
                }
            }
            System.out.println(token);
            System.err.println("token \"" + name + "\" (" + scope + ") created; it is shown only now: keep it in a secret store");
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", description = "List tokens (names and scopes; tokens themselves are never stored).")
    static final class ListTokens implements Callable<Integer> {
        @Mixin StoreOptions store;

        @Override
        public Integer call() {
            Optional<ServerClient> server = store.server();
            List<JsonNode> tokens = new ArrayList<>();
            if (server.isPresent()) {
                try (ServerClient client = server.get()) {
                    client.get("/api/v1/tokens").forEach(tokens::add);
                }
            } else {
                try (StateStore s = store.open()) {
                    s.tokens().forEach(t -> tokens.add(ApiJson.MAPPER.valueToTree(ApiJson.token(t))));
                }
            }
            for (JsonNode t : tokens) {
                System.out.println(t.path("name").asText() + "\t" + t.path("scope").asText() + "\t" + t.path("created_at").asText()
                        + (t.path("revoked_at").isTextual() ? "\trevoked " + t.path("revoked_at").asText() : ""));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "revoke", description = "Revoke a token: requests carrying it are refused from now on.")
    static final class Revoke implements Callable<Integer> {
        @Mixin StoreOptions store;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            Optional<ServerClient> server = store.server();
            if (server.isPresent()) {
                try (ServerClient client = server.get()) {
                    client.delete("/api/v1/tokens/" + ServerClient.segment(name));
                }
            } else {
                try (StateStore s = store.open()) {
                    if (!s.revokeToken(name)) {
                        System.err.println("error[not_found]: no active token named \"" + name + "\" (tidemark token list)");
                        return ExitCodes.BAD_INPUT;
                    }
                    s.appendAudit(new AuditEntry("cli", "revoke token", "token/" + name, Optional.empty(), Optional.empty(), Optional.empty()));
                }
            }
            System.err.println("token \"" + name + "\" revoked");
            return ExitCodes.OK;
        }
    }
}
