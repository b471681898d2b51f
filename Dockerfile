# streamlearn service image: build the runnable jar, run it on a JRE.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY learning-core learning-core
COPY model-store model-store
COPY app app
COPY integration-tests/pom.xml integration-tests/pom.xml
COPY benchmarks/pom.xml benchmarks/pom.xml
RUN mvn -B -ntp -q -pl app -am package -DskipTests

FROM eclipse-temurin:17-jre
RUN useradd --system --home /var/lib/streamlearn streamlearn && mkdir -p /var/lib/streamlearn/state \
    && chown -R streamlearn /var/lib/streamlearn
COPY --from=build /src/app/target/streamlearn.jar /opt/streamlearn/streamlearn.jar
USER streamlearn
WORKDIR /var/lib/streamlearn
ENV STREAMLEARN_STATE_DIR=/var/lib/streamlearn/state \
    STREAMLEARN_HTTP_HOST=0.0.0.0 \
    STREAMLEARN_HTTP_PORT=8080
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+UseZGC", "-jar", "/opt/streamlearn/streamlearn.jar"]
CMD ["run"]
