package dev.floe.it.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaRuntimesTest {
  @TempDir Path dir;

  @Test
  void takesTheConfiguredHomeWhenItIsNewEnough() throws IOException {
    Path home = fakeJavaHome("jdk-23", "23.0.1");

    Path java = JavaRuntimes.java(21, Map.of(JavaRuntimes.JAVA_HOME_VARIABLE, home.toString()));

    assertThat(java).isEqualTo(home.resolve("bin/java"));
  }

  @Test
  void refusesAConfiguredHomeThatIsTooOld() throws IOException {
    Path home = fakeJavaHome("jdk-17", "17.0.15");

    assertThatThrownBy(
            () -> JavaRuntimes.java(21, Map.of(JavaRuntimes.JAVA_HOME_VARIABLE, home.toString())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "Invalid FLOE_IT_JAVA21_HOME=%s: not a Java 21+ home (no bin/java, or its release file"
                + " says older)",
            home);
  }

  @Test
  void refusesAConfiguredDirectoryThatIsNoJavaHome() {
    assertThatThrownBy(
            () -> JavaRuntimes.java(21, Map.of(JavaRuntimes.JAVA_HOME_VARIABLE, dir.toString())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("Invalid FLOE_IT_JAVA21_HOME=" + dir + ": not a Java 21+ home");
  }

  @Test
  void takesThisJvmWhenItIsNewEnoughAndNothingIsConfigured() {
    Path java =
        JavaRuntimes.java(
            Runtime.version().feature(), Map.of(JavaRuntimes.JAVA_HOME_VARIABLE, " "));

    assertThat(java).isEqualTo(Path.of(System.getProperty("java.home"), "bin", "java"));
  }

  private Path fakeJavaHome(String name, String version) throws IOException {
    Path home = Files.createDirectories(dir.resolve(name));
    Files.writeString(
        home.resolve("release"),
        "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\""
            + version
            + "\"\nJAVA_VERSION_DATE=\"2026-01-01\"\n");
    Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
    Files.createFile(
        java, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    return home;
  }
}
