# syntax=docker/dockerfile:1
#
# One image per vertex, all from this file, for linux/amd64 and linux/arm64:
#   docker buildx build --platform linux/amd64,linux/arm64 --build-arg MODULE=udf-window \
#     -t rollguard/udf-window:<version> --push .
# MODULE is a module directory whose pom sets <vertex.mainClass> and <shaded.jar.name>
# (`make images` lists them and prints or runs these commands). The image runs that module's
# shaded jar, which carries the native libraries of both architectures (Netty epoll, OpenBLAS).

############################ build ############################
# The jar is the same for every target platform, so it is built once, natively on the build
# machine ($BUILDPLATFORM), not under emulation for each target.
FROM --platform=$BUILDPLATFORM maven:3.9-eclipse-temurin-17 AS build
ARG MODULE
RUN test -n "${MODULE}" || { echo "build with --build-arg MODULE=<module dir>, e.g. udf-window" >&2; exit 1; }
WORKDIR /src

# Downloads are cached across builds by the BuildKit cache mount on ~/.m2 below. (Copying the poms
# first buys nothing here: a separate dependency:go-offline layer cannot resolve the reactor's own
# SNAPSHOT modules before they are built.)
COPY . .

# Each vertex module shades to <module>/target/<shaded.jar.name>.jar; read the name from its pom
# rather than repeating it here.
RUN --mount=type=cache,target=/root/.m2 \
    set -eu; \
    mvn -B -q -pl "${MODULE}" -am package -DskipTests; \
    jar_name="$(sed -n 's:.*<shaded.jar.name>\(.*\)</shaded.jar.name>.*:\1:p' "${MODULE}/pom.xml")"; \
    if [ -z "${jar_name}" ]; then echo "${MODULE}/pom.xml sets no <shaded.jar.name>: not a vertex module" >&2; exit 1; fi; \
    cp "${MODULE}/target/${jar_name}.jar" /tmp/vertex.jar

############################ runtime ############################
# glibc-based JRE: the Netty epoll and OpenBLAS natives are built for glibc (not musl/Alpine). The
# image is published for linux/amd64 and linux/arm64; buildx picks the matching variant.
FROM eclipse-temurin:17-jre
ARG MODULE
LABEL org.opencontainers.image.title="rollguard-${MODULE}" \
      org.opencontainers.image.licenses="GPL-3.0-or-later"

# One BLAS thread per JVM: vertices scale out with replicas, and OpenBLAS' own thread pool would
# oversubscribe the pod's CPU limit.
ENV OPENBLAS_NUM_THREADS=1

# Numeric non-root user, so that Kubernetes' runAsNonRoot can verify it. A home directory is needed:
# JavaCPP (Smile's native BLAS) unpacks its libraries under ~/.javacpp/cache.
RUN groupadd --gid 10001 rollguard \
 && useradd --uid 10001 --gid 10001 --create-home --home-dir /home/rollguard --shell /usr/sbin/nologin rollguard

# Owned by root and read-only for the vertex user.
COPY --from=build --chmod=0644 /tmp/vertex.jar /app/vertex.jar

USER 10001:10001
WORKDIR /home/rollguard

# Container-aware heap (75% of the memory limit; the JVM reads cgroup limits by default) and a
# clean restart by Kubernetes instead of a half-dead JVM after an OutOfMemoryError. Flags are on
# the command line, not in JAVA_TOOL_OPTIONS, whose "Picked up ..." banner would be the one
# non-JSON line of the log; JAVA_TOOL_OPTIONS remains free for operators to add to.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/vertex.jar"]
