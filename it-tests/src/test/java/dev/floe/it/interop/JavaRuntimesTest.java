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
import org.opentest4j.TestAbortedException;

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

  @Test
  void takesTheNewestInstalledJdkThatIsNewEnough() throws IOException {
    int feature = Runtime.version().feature() + 1;
    fakeJavaHome("jdk-" + feature, feature + ".0.1");
    Path newest = fakeJavaHome("jdk-" + (feature + 2), (feature + 2) + ".0.1");
    fakeJavaHome("jdk-" + (feature - 1), (feature - 1) + ".0.1");

    assertThat(JavaRuntimes.find(feature, Map.of(), dir)).contains(newest.resolve("bin/java"));
  }

  @Test
  void findsNothingWhenNoInstalledJdkIsNewEnough() throws IOException {
    int feature = Runtime.version().feature() + 1;
    fakeJavaHome("jdk-old", Runtime.version().feature() + ".0.1");

    assertThat(JavaRuntimes.find(feature, Map.of(), dir)).isEmpty();
    assertThat(JavaRuntimes.find(feature, Map.of(), dir.resolve("no-such-dir"))).isEmpty();
  }

  @Test
  void theNessieTestsAreSkippedWithTheReasonWhenNoJdkIsNewEnough() {
    int feature = Runtime.version().feature() + 1;

    assertThatThrownBy(() -> NessieExtension.assumeJava(feature, Map.of(), dir))
        .isInstanceOf(TestAbortedException.class)
        .hasMessage(
            "Assumption failed: Nessie runs on Java %d+ only, and floe's tests need only Java 17:"
                + " Cannot find Java %d or newer: this JVM is %d and none under %s is; install one"
                + " or set FLOE_IT_JAVA21_HOME to its home",
            feature, feature, Runtime.version().feature(), dir);
  }

  @Test
  void aConfiguredHomeThatIsTooOldFailsRatherThanSkips() throws IOException {
    Path home = fakeJavaHome("jdk-17", "17.0.15");

    assertThatThrownBy(
            () ->
                NessieExtension.assumeJava(
                    21, Map.of(JavaRuntimes.JAVA_HOME_VARIABLE, home.toString()), dir))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("Invalid FLOE_IT_JAVA21_HOME=" + home);
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
