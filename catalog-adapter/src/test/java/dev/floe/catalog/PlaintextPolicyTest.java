package dev.floe.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.core.config.Settings;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlaintextPolicyTest {
  private static Settings rest(String uri, String s3Endpoint, Map<String, String> more) {
    Map<String, String> values = new HashMap<>(more);
    values.put("catalog.type", "rest");
    values.put("catalog.uri", uri);
    if (s3Endpoint != null) {
      values.put("s3.endpoint", s3Endpoint);
    }
    return Settings.of(values, "test");
  }

  @Test
  void plaintextToAnotherHostIsRefusedAndNamesTheFix() {
    assertThatThrownBy(() -> CatalogConfig.from(rest("http://catalog.example.com/v1", null, Map.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid config: catalog.uri (test) uses plaintext http to catalog.example.com, which is not"
            + " this machine; use https, or set transport.allow-plaintext=true (FLOE_TRANSPORT_ALLOW_PLAINTEXT)"
            + " if the network is private");
    assertThatThrownBy(() -> CatalogConfig.from(rest("https://catalog.example.com", "http://10.1.2.3:9000", Map.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Invalid config: s3.endpoint (test) uses plaintext http to 10.1.2.3");
  }

  @Test
  void loopbackHttpsAndExplicitPermissionAreAccepted() {
    assertThat(CatalogConfig.from(rest("http://127.0.0.1:8181", "http://localhost:9000", Map.of())).uri()).isPresent();
    assertThat(CatalogConfig.from(rest("http://[::1]:8181", null, Map.of())).uri()).isPresent();
    assertThat(CatalogConfig.from(rest("https://catalog.example.com", "https://s3.example.com", Map.of())).uri()).isPresent();
    assertThat(CatalogConfig.from(rest("http://rest:8181", "http://minio:9000", Map.of("transport.allow-plaintext", "true"))).uri())
        .isPresent();
  }

  @Test
  void loopbackIsJudgedBySpellingWithoutResolvingNames() {
    assertThat(PlaintextPolicy.isLoopback("127.0.0.1")).isTrue();
    assertThat(PlaintextPolicy.isLoopback("127.9.9.9")).isTrue();
    assertThat(PlaintextPolicy.isLoopback("localhost")).isTrue();
    assertThat(PlaintextPolicy.isLoopback("::1")).isTrue();
    assertThat(PlaintextPolicy.isLoopback("128.0.0.1")).isFalse();
    assertThat(PlaintextPolicy.isLoopback("localhost.example.com")).isFalse();
    assertThat(PlaintextPolicy.isLoopback("minio")).isFalse();
  }
}
