package dev.floe.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floe.it.faults.RequestLog.Exchange;
import dev.floe.it.servers.Endpoints;
import dev.floe.it.servers.ServersExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalog and S3 requests of {@code floe ingest} runs, watched on the wire by relays that
 * inject nothing ({@link RequestLog}): floe needs at most {@value #MAX_CATALOG_REQUESTS_PER_COMMIT}
 * catalog requests per commit.
 *
 * <p><b>Per commit</b> means every catalog request of a run except those it makes once whatever
 * it commits: the catalog client's start-up {@code GET /v1/config}, and creating the namespace and
 * table the first time ({@code HEAD /v1/namespaces/{ns}}, {@code POST /v1/namespaces}, {@code POST
 * /v1/namespaces/{ns}/tables}). What is left: loading the table (its ledger tells the run which
 * batches are new; on the first run this load answers 404), reading it again just before committing
 * (the state the commit is validated against, so that a batch a concurrent run committed meanwhile
 * is never committed twice), and the commit. The test fails on any request beyond these.
 *
 * <p>The figures (each run's requests as method and path template, its S3 requests by kind, and
 * the time the catalog took to answer the commit) go to {@code target/reliability-figures.txt}.
 */
@ExtendWith(ServersExtension.class)
class CommitRequestsIT {
  static final int MAX_CATALOG_REQUESTS_PER_COMMIT = 3;
  private static final int EVENTS_PER_FILE = 5_000;

  private static final String CONFIG = "GET /v1/config 200";
  private static final String LOAD = "GET /v1/namespaces/{ns}/tables/{table}?snapshots=all 200";
  private static final String REFRESH = "GET /v1/namespaces/{ns}/tables/{table} 200";
  private static final String COMMIT = "POST /v1/namespaces/{ns}/tables/{table} 200";
  private static final List<String> ONCE_PER_PROCESS = List.of(CONFIG);
  private static final List<String> CREATION =
      List.of(
          "HEAD /v1/namespaces/{ns} 404",
          "POST /v1/namespaces 200",
          "POST /v1/namespaces/{ns}/tables 200");

  @TempDir Path dir;

  @Test
  void eachCommitTakesALoadARefreshAndTheCommit(Endpoints endpoints) throws IOException {
    String namespace = "requests_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String table = namespace + ".events";
    List<String> figures = new ArrayList<>();
    try (RequestLog s3 = RequestLog.start("s3", FaultProxy.Flavor.S3, endpoints.s3Endpoint());
        RequestLog rest = RequestLog.start("rest", FaultProxy.Flavor.REST, endpoints.catalogUri());
        TableCheck check = new TableCheck(endpoints)) {
      Floe floe = Floe.via(endpoints, s3.uri(), rest.uri()).with("source.settle-time", "0s");
      Path first = floe.generate(dir.resolve("first.ndjson"), EVENTS_PER_FILE, 1);
      Path second = floe.generate(dir.resolve("second.ndjson"), EVENTS_PER_FILE, 8);
      Path third = floe.generate(dir.resolve("third.ndjson"), EVENTS_PER_FILE, 15);
      Path deadLetters = dir.resolve("dead-letters");
      Path spool = Files.createDirectories(dir.resolve("spool"));
      Files.copy(third, spool.resolve("third.ndjson"));
      s3.take();
      rest.take();

      Run created = Run.of("new table, file", floe.ingest(table, deadLetters, List.of(first)), rest, s3, namespace);
      Run appended = Run.of("existing table, file", floe.ingest(table, deadLetters, List.of(second)), rest, s3, namespace);
      // A spool run records its claim in the same commit (a table property set atomically with it).
      Run spooled = Run.of("existing table, spool", floe.ingestSpool(table, deadLetters, spool), rest, s3, namespace);
      Run nothingNew = Run.of("file already in", floe.ingest(table, deadLetters, List.of(second)), rest, s3, namespace);
      for (Run run : List.of(created, appended, spooled, nothingNew)) {
        figures.addAll(run.figures());
      }

      assertThat(created.catalog())
          .containsExactly(
              CONFIG,
              "GET /v1/namespaces/{ns}/tables/{table}?snapshots=all 404",
              CREATION.get(0),
              CREATION.get(1),
              CREATION.get(2),
              REFRESH,
              COMMIT);
      assertThat(appended.catalog()).containsExactly(CONFIG, LOAD, REFRESH, COMMIT);
      assertThat(spooled.catalog()).containsExactly(CONFIG, LOAD, REFRESH, COMMIT);
      assertThat(nothingNew.catalog()).containsExactly(CONFIG, LOAD);
      for (Run run : List.of(created, appended, spooled)) {
        assertThat(run.result().get("committed").asBoolean()).as(run.name()).isTrue();
        assertThat(run.perCommit()).as(run.name()).hasSize(MAX_CATALOG_REQUESTS_PER_COMMIT);
        // One data file per day, a manifest, a manifest list and the commit's batch ledger file;
        // no listing, nothing deleted, no data file read back.
        Map<String, Long> kinds = run.s3Kinds();
        assertThat(kinds.getOrDefault("PUT data", 0L) + kinds.getOrDefault("multipart complete", 0L))
            .as(run.name())
            .isEqualTo(run.result().get("data_files").asLong());
        assertThat(kinds.get("PUT metadata")).as(run.name()).isEqualTo(3);
        assertThat(kinds).as(run.name()).doesNotContainKeys("LIST", "DELETE", "GET data", "HEAD data");
      }
      assertThat(nothingNew.result().get("committed").asBoolean()).isFalse();
      // The dedupe check reads the batch ledger's parts (here the three level-0 parts), nothing else.
      assertThat(nothingNew.s3Kinds()).containsOnlyKeys("GET metadata");
      assertThat(nothingNew.s3Kinds().get("GET metadata")).isBetween(1L, 3L);

      TableCheck.Tally tally = check.tally(table, TableCheck.eventsOf(List.of(first, second, third)));
      assertThat(tally.rows()).isEqualTo(3 * EVENTS_PER_FILE);
      assertThat(tally.lost()).isZero();
      assertThat(tally.doubled()).isZero();
    } finally {
      Figures.report(
          "CommitRequestsIT: catalog requests per commit (excluding GET /v1/config at start-up and"
              + " creating the namespace and table), S3 requests by kind, commit answer time:",
          figures);
    }
  }

  /** One {@code floe ingest} run and the requests it made. */
  private record Run(String name, JsonNode result, List<String> catalog, List<Exchange> s3, long commitMillis) {
    static Run of(String name, Floe.Result result, RequestLog rest, RequestLog s3, String namespace) {
      assertThat(result.exitCode()).as("%s: %s", name, result.err()).isZero();
      List<Exchange> catalog = rest.take();
      long commitMillis =
          catalog.stream()
              .filter(exchange -> template(exchange, namespace).equals(COMMIT))
              .mapToLong(exchange -> exchange.took().toMillis())
              .sum();
      return new Run(
          name,
          result.json(),
          catalog.stream().map(exchange -> template(exchange, namespace)).toList(),
          s3.take(),
          commitMillis);
    }

    List<String> perCommit() {
      return catalog.stream()
          .filter(request -> !ONCE_PER_PROCESS.contains(request) && !CREATION.contains(request))
          .toList();
    }

    Map<String, Long> s3Kinds() {
      return s3.stream()
          .collect(Collectors.groupingBy(CommitRequestsIT::s3Kind, TreeMap::new, Collectors.counting()));
    }

    List<String> figures() {
      boolean committed = result.get("committed").asBoolean();
      return List.of(
          String.format(
              "%-22s %d catalog requests, %s: %s",
              name + ":",
              catalog.size(),
              committed ? perCommit().size() + " per commit" : "no commit",
              String.join(" | ", catalog)),
          String.format(
              "%-22s S3 %s%s",
              "",
              s3Kinds().isEmpty() ? "none" : s3Kinds().toString(),
              committed ? "; commit answered in " + commitMillis + " ms" : ""));
    }
  }

  /**
   * {@code METHOD path status} with the namespace, table and any REST prefix as placeholders, and
   * the warehouse query of {@code /v1/config} left out.
   */
  static String template(Exchange exchange, String namespace) {
    String path =
        exchange
            .path()
            .replaceFirst("^/v1/(?!config|namespaces)[^/]+/", "/v1/{prefix}/")
            .replace("/namespaces/" + namespace, "/namespaces/{ns}")
            .replaceFirst("/tables/[^/]+$", "/tables/{table}");
    String query = path.endsWith("/v1/config") || exchange.query().isEmpty() ? "" : "?" + exchange.query();
    return exchange.method() + " " + path + query + " " + exchange.status();
  }

  /**
   * The kind of an S3 request (path-style): a single PUT of a data or metadata object, the steps of
   * a multipart upload, a GET or HEAD of a data or metadata object, a LIST, or a DELETE.
   */
  static String s3Kind(Exchange exchange) {
    String method = exchange.method();
    String query = exchange.query();
    String object = exchange.path().contains("/data/") ? "data" : "metadata";
    if (query.contains("uploadId=")) {
      return switch (method) {
        case "PUT" -> "multipart part";
        case "POST" -> "multipart complete";
        case "DELETE" -> "multipart abort";
        default -> method + " multipart";
      };
    }
    if (method.equals("POST") && (query.equals("uploads") || query.startsWith("uploads&") || query.startsWith("uploads="))) {
      return "multipart create";
    }
    if (method.equals("GET") && (exchange.path().chars().filter(c -> c == '/').count() <= 2 || query.contains("list-type"))) {
      return "LIST";
    }
    return switch (method) {
      case "PUT", "GET", "HEAD" -> method + " " + object;
      default -> method;
    };
  }
}
