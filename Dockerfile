# floe command-line image. Build: docker build -t floe .   Run: docker run --rm floe --help
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# Maven reads every module the root pom.xml lists, even with -pl: copy each one's pom.xml at least.
# .ci/dockerfile-replay replays these steps in CI (no Docker engine there).
COPY pom.xml LICENSE NOTICE ./
COPY writer-core writer-core
COPY catalog-adapter catalog-adapter
COPY server server
COPY writer-cli writer-cli
COPY benchmarks/pom.xml benchmarks/pom.xml
COPY it-tests/pom.xml it-tests/pom.xml
RUN mvn -q -B -DskipTests -pl writer-cli -am package

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 floe
WORKDIR /app
COPY --from=build /src/writer-cli/target/floe.jar /app/floe.jar
COPY examples /app/examples
USER floe
ENTRYPOINT ["java", "-jar", "/app/floe.jar"]
CMD ["--help"]
