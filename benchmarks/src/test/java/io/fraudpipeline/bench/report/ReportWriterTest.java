package io.fraudpipeline.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {

  @TempDir Path dir;

  @Test
  void writesTargetsMachineSectionsAndChartsAsMarkdown() throws Exception {
    Summary job = Summary.of(900, 1100, 1000);
    Summary loop = Summary.of(1200, 1000, 1100);
    Charts.bars(
        dir.resolve("benchmarks/throughput.png"),
        "Throughput",
        "median, whiskers min–max",
        "tx/s",
        List.of(new Charts.Bar("p=1", "job", job), new Charts.Bar("p=1", "loop", loop)),
        false);
    Section section =
        Section.titled("1. Job throughput")
            .text("How it was measured.")
            .table(
                Table.withHeader("Mode", "Job")
                    .row("p=1", Format.medianRange(job, Format::count))
                    .build())
            .chart("throughput.png", "Throughput")
            .target(
                new TargetCheck(
                    "1. Job throughput", "job / loop ≥ 1.0", "x", "0.91", Verdict.NOT_MET))
            .build();
    Report report =
        new Report(
            "bench/run.sh",
            Instant.parse("2026-01-02T03:04:05Z"),
            Duration.ofSeconds(75),
            new MachineInfo(
                2,
                "23.5 GiB",
                "AMD EPYC",
                "Linux",
                "OpenJDK 17",
                "3.0 GiB",
                "1.0 GiB",
                "1.0, 2.0, 3.0"),
            "0.5, 1.0, 2.0",
            Map.of("Apache Flink", "2.2.1"),
            Map.of("Repetitions", "3"),
            List.of(section));

    Path markdown = dir.resolve("benchmarks.md");
    new ReportWriter("benchmarks").write(report, markdown);

    String md = Files.readString(markdown);
    assertThat(md)
        .contains("```\nbench/run.sh\n```")
        .contains("the whole run took 1 min 15 s")
        .contains("| JVM initial heap | 1.0 GiB |")
        .contains("| 1. Job throughput | job / loop ≥ 1.0 | x | 0.91 | **not met** |")
        .contains("| Processors (`nproc`) | 2 |")
        .contains("| Load average at end | 0.5, 1.0, 2.0 |")
        .contains("## 1. Job throughput")
        .contains("| p=1 | 1 000 (900 – 1 100) |")
        .contains("![Throughput](benchmarks/throughput.png)");
    byte[] png = Files.readAllBytes(dir.resolve("benchmarks/throughput.png"));
    assertThat(png).startsWith(0x89, 'P', 'N', 'G');
  }
}
