package dev.floe.it.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The shaded jar, {@code writer-cli/target/floe.jar}, as the build leaves it. */
class ShadedJarIT {
  private Path jar;
  private Path root;

  @BeforeEach
  void setUp() {
    // Set by failsafe from the POM.
    jar = Path.of(System.getProperty("floe.it.cli-jar")).normalize();
    root = Path.of(System.getProperty("floe.it.repository-root")).normalize();
    assertThat(jar).isRegularFile();
  }

  @Test
  void carriesFloesLicenseAndOneNoticeMergingThoseOfWhatItBundles() throws IOException {
    try (JarFile file = new JarFile(jar.toFile())) {
      assertThat(text(file, "META-INF/LICENSE")).isEqualTo(Files.readString(root.resolve("LICENSE")));
      assertThat(file.stream().map(ZipEntry::getName).filter(name -> name.equalsIgnoreCase("META-INF/NOTICE")))
          .containsExactly("META-INF/NOTICE");

      String notice = text(file, "META-INF/NOTICE");
      assertThat(notice).startsWith(
          "// ------------------------------------------------------------------\n"
              + "// NOTICE file corresponding to the section 4d of The Apache License,\n"
              + "// Version 2.0, in this case for floe\n"
              + "// ------------------------------------------------------------------\n"
              + "\n"
              + "floe\nCopyright 2026 The floe authors\n");
      // floe's own NOTICE, and those of bundled projects that keep theirs under META-INF/.
      for (String part : List.of("This product is licensed under the Apache License, Version 2.0 (see LICENSE).",
          "Apache Hadoop", "Apache Parquet", "Apache Avro", "AWS SDK for Java 2.0", "Apache HttpClient")) {
        assertThat(notice).as(part).contains(part);
      }
    }
  }

  @Test
  void printsTheProjectVersion() throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process = new ProcessBuilder(java, "-jar", jar.toString(), "--version").redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(process.exitValue()).as(out).isZero();
    assertThat(out.strip()).isEqualTo("floe " + System.getProperty("floe.it.project-version")
        + " (Apache Iceberg " + System.getProperty("floe.it.iceberg-version") + ")");
  }

  private static String text(JarFile file, String name) throws IOException {
    ZipEntry entry = file.getEntry(name);
    assertThat(entry).as(name).isNotNull();
    return new String(file.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8);
  }
}
