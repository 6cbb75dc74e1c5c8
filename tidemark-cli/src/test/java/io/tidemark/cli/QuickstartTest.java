package io.tidemark.cli;

import io.tidemark.cli.quickstart.SampleShop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class QuickstartTest {
    @TempDir Path dir;

    @Test
    void quickstartSyncsTheSampleShopTwiceAndShowsWhatEachRunDid() throws Exception {
        CliProcess p = CliProcess.start(dir, Map.of(), "quickstart", "--dir", "qs");
        assertThat(p.await(300)).as(p.output()).isZero();

        String out = p.output();
        assertThat(out).contains("orders_to_wh: run").contains("Warehouse: ").contains("select status, count(*)");
        // The second incremental run moves only the changed orders (up to 1,000 shipped + 500 new, plus the rows
        // sitting exactly at the high-water mark), not the 100,000 of the first run.
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("orders_to_wh: run \\d+ succeeded — ([\\d,]+) read").matcher(out);
        java.util.List<Long> reads = new java.util.ArrayList<>();
        while (m.find()) reads.add(Long.parseLong(m.group(1).replace(",", "")));
        assertThat(reads).hasSize(2);
        assertThat(reads.get(0)).isEqualTo(SampleShop.ORDERS);
        assertThat(reads.get(1)).isBetween(1_000L, 1_510L);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("qs/warehouse.duckdb"));
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select (select count(*) from orders), (select count(*) from customers), "
                     + "(select count(*) from orders where status = 'shipped'), (select count(distinct _tidemark_run_id) from order_items)")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(SampleShop.ORDERS + 500);
            assertThat(rs.getLong(2)).isEqualTo(SampleShop.CUSTOMERS);
            assertThat(rs.getLong(3)).isGreaterThan(1_000);
            assertThat(rs.getLong(4)).isEqualTo(2);
        }
    }
}
