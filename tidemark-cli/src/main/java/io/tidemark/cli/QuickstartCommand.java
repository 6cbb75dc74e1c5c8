package io.tidemark.cli;

import io.tidemark.cli.quickstart.SampleShop;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(name = "quickstart", description = "Create a sample shop in SQLite, sync it into DuckDB, change it, sync again.")
final class QuickstartCommand implements Callable<Integer> {
    private static final String MARKER = ".tidemark-quickstart";

    @Option(names = "--dir", defaultValue = "quickstart", description = "Folder to create it in (default: ${DEFAULT-VALUE}); "
            + "a previous quickstart there is replaced.")
    Path dir;

    @Override
    public Integer call() throws IOException {
        try {
            return quickstart();
        } catch (SQLException e) {
            throw new io.tidemark.api.TidemarkException(io.tidemark.api.ErrorCode.IO_ERROR,
                    "could not create the sample shop in " + dir.resolve("shop.sqlite") + ": " + e.getMessage()
                            + "; check that the folder is writable and has free space");
        }
    }

    private int quickstart() throws IOException, SQLException {
        prepareFolder();
        Path workspaceFile = dir.resolve("tidemark.yaml");
        Files.writeString(workspaceFile, workspaceYaml());
        SampleShop shop = new SampleShop(dir.resolve("shop.sqlite"));
        long rows = shop.create();
        System.out.printf("1. Created a sample shop in %s: %,d rows in customers, products, orders, order_items%n",
                dir.resolve("shop.sqlite"), rows);

        int exit;
        try (Backend backend = new LocalBackend(workspaceFile, null)) {
            List<String> syncs = List.copyOf(backend.workspace().syncs().keySet());
            System.out.println("\n2. First sync into DuckDB (full refresh for customers and products, incremental for orders, append for items):");
            exit = Runs.execute(backend, syncs, Backend.Operation.RUN, false);

            System.out.println("\n3. The application changes the source: " + shop.changeSomeRows(LocalDateTime.now(ZoneOffset.UTC)));

            System.out.println("\n4. Second sync: incremental syncs move only what changed since the high-water mark:");
            exit = Math.max(exit, Runs.execute(backend, syncs, Backend.Operation.RUN, false));
        }
        Path warehouse = dir.resolve("warehouse.duckdb").toAbsolutePath();
        System.out.printf("""

                Warehouse: %s
                Try a query (with the duckdb CLI, or any DuckDB client):
                  duckdb %s "select status, count(*) as orders, sum(total) as revenue from orders group by status order by orders desc"
                See the run history:
                  ./tidemark runs -f %s
                """, warehouse, warehouse, workspaceFile);
        return exit;
    }

    /** Replaces an earlier quickstart, but never a folder Tidemark did not create. */
    private void prepareFolder() throws IOException {
        if (Files.exists(dir)) {
            if (!Files.exists(dir.resolve(MARKER))) {
                throw new io.tidemark.api.TidemarkException(io.tidemark.api.ErrorCode.CONFIG_INVALID, "folder " + dir
                        + " exists and was not created by quickstart; choose another with --dir");
            }
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(MARKER), "created by tidemark quickstart\n");
    }

    private static String workspaceYaml() {
        return """
                # Created by `tidemark quickstart`: a SQLite shop synced into a DuckDB warehouse.
                connections:
                  shop: { type: sqlite, path: shop.sqlite }
                  wh:   { type: duckdb, path: warehouse.duckdb }
                models:
                  customers:   { connection: shop, table: customers, primary_key: [id] }
                  products:    { connection: shop, table: products, primary_key: [id] }
                  orders:      { connection: shop, table: orders, primary_key: [id] }
                  order_items: { connection: shop, table: order_items, primary_key: [id] }
                syncs:
                  customers_to_wh:   { model: customers, destination: wh, table: customers, sync_type: full_refresh }
                  products_to_wh:    { model: products, destination: wh, table: products, sync_type: full_refresh }
                  orders_to_wh:
                    model: orders
                    destination: wh
                    table: orders
                    sync_type: incremental
                    cursor_field: updated_at
                    cursor_type: timestamp
                    mode: upsert
                  order_items_to_wh:
                    model: order_items
                    destination: wh
                    table: order_items
                    sync_type: append
                    cursor_field: id
                    cursor_type: integer
                """;
    }
}
