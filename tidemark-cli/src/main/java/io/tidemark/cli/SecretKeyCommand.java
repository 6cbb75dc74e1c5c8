package io.tidemark.cli;

import io.tidemark.server.security.SecretCipher;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "secret-key", description = "Print a new key for encrypting connection secrets at rest: put it in "
        + "TIDEMARK_SECRET_KEY (or a file for --secret-key-file) on every server node, and keep a copy: without it the "
        + "stored secrets cannot be read.")
final class SecretKeyCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.println(SecretCipher.newKey());
        return ExitCodes.OK;
    }
}
