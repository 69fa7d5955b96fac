package dev.floe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code floe --version} names the build's own version and the Iceberg it writes with. */
class VersionTest {
  @Test
  void printsTheProjectVersionAndTheIcebergVersion() {
    // Set by surefire from the POM (${project.version}, ${iceberg.version}).
    String project = System.getProperty("floe.expected.version");
    String iceberg = System.getProperty("floe.expected.iceberg-version");
    assertThat(project).as("surefire's floe.expected.version").isNotBlank();
    assertThat(iceberg).as("surefire's floe.expected.iceberg-version").isNotBlank();

    CliRunner.Result result = new CliRunner(Map.of()).run("--version");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out().strip()).isEqualTo("floe " + project + " (Apache Iceberg " + iceberg + ")");
  }
}
