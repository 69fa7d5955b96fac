package dev.floe.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.floe.it.servers.Endpoints;
import dev.floe.it.servers.ServersExtension;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code FLOE_CATALOG_TOKEN} reaches the catalog as {@code Authorization: Bearer <token>} on every
 * request, as R2 Data Catalog requires, and shows up in none of the run's output or logs. A
 * recording relay between floe and the REST catalog sees the requests as sent (the test catalog
 * itself ignores authentication).
 */
@ExtendWith(ServersExtension.class)
class CatalogTokenIT {
  @TempDir Path dir;
  private RestTarget target;

  @AfterEach
  void dropTable() {
    if (target != null) {
      target.close();
    }
  }

  @Test
  void everyCatalogRequestCarriesTheBearerTokenWhichNoOutputShows(Endpoints endpoints) {
    assumeTrue(endpoints.catalogToken().isEmpty(), "the external catalog checks its own token");
    target = RestTarget.create(endpoints, "token");
    Path input = RestTarget.generate(dir.resolve("events.ndjson"), 2_000, 51);
    String token = "floe-e2e-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(16));

    try (RecordingRelay relay = RecordingRelay.start(endpoints.catalogUri())) {
      InProcessCli cli =
          new InProcessCli(target.cliEnv())
              .with("FLOE_CATALOG_URI", relay.uri().toString())
              .with("FLOE_CATALOG_TOKEN", token);
      InProcessCli.Run run =
          cli.run("ingest", "--json", "-D", "dead-letter.dir=" + dir.resolve("dead-letters"), input.toString());

      assertThat(run.exitCode()).as("%s", run).isZero();
      assertThat(run.json().get("events_written").asLong()).isEqualTo(2_000);
      List<RecordingRelay.Request> requests = relay.requests();
      // The whole conversation went through the relay: configuration, table creation, commit.
      assertThat(requests).extracting(RecordingRelay.Request::toString)
          .anyMatch(request -> request.startsWith("GET /v1/config"))
          .anyMatch(request -> request.matches("POST /v1/namespaces/[^/]+/tables -> 200"))
          .anyMatch(request -> request.matches("POST /v1/namespaces/[^/]+/tables/events -> 200"));
      assertThat(requests)
          .allSatisfy(request -> assertThat(request.header("Authorization")).as("%s", request).containsExactly("Bearer " + token));
      // The log capture works (it holds floe's lines) and holds no secret.
      assertThat(run.console()).contains("Opened REST catalog", "auth bearer token");
      assertThat(run.everything()).doesNotContain(token).doesNotContain(endpoints.secretAccessKey().reveal());
    }
    ExpectedRows.ofNdjson(input).assertSameAs(ExpectedRows.ofTable(target.load()));
  }
}
