package io.tidemark.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

@Command(name = "export", description = "Print the workspace as YAML, ready for `tidemark apply`: the local workspace file "
        + "(parsed and written out again), or a server's workspace (--server; secrets it keeps show as ********).")
final class ExportCommand implements Callable<Integer> {
    @Mixin WorkspaceOptions workspace;

    @Override
    public Integer call() {
        try (Backend backend = workspace.open()) {
            System.out.print(backend.exportYaml());
            return ExitCodes.OK;
        }
    }
}
