# Rollguard: build, test and image targets. `make help` lists them.

SHELL := /bin/bash
.DEFAULT_GOAL := help

MVN ?= mvn -B
# The project version, from the root pom's first <version> element (the project's own). The
# manifests' image tags and the jars' manifests carry the same version (a test checks both).
VERSION ?= $(shell grep -m1 -o '<version>[^<]*</version>' pom.xml | sed 's:</*version>::g')
# Image names are $(IMAGE_PREFIX)/<module>:$(VERSION); put your registry in the prefix to push,
# e.g. IMAGE_PREFIX=registry.example.com/rollguard.
IMAGE_PREFIX ?= rollguard
# Both architectures by default; a single platform (e.g. PLATFORMS=linux/amd64) for a local cluster.
PLATFORMS ?= linux/amd64,linux/arm64
# PUSH=1 pushes to the registry in IMAGE_PREFIX; otherwise the images are loaded into the local
# engine, which for more than one platform needs Docker's containerd image store.
PUSH ?=
IMAGE_OUTPUT := $(if $(PUSH),--push,--load)
# A module is a vertex (and gets an image) when its pom names a main class to shade into its jar;
# the CLI is a tool, not an image.
VERTEX_MODULES := $(filter-out cli,$(patsubst %/pom.xml,%,$(shell grep -l '<vertex.mainClass>' */pom.xml)))

.PHONY: help build test fuzz format images demo third-party clean

help:
	@echo "make build   - compile and package every module; vertex modules shade to <module>/target/<name>.jar"
	@echo "make test    - run the whole test suite and package the jars: mvn -B verify (what CI runs via .ci/run)"
	@echo "make fuzz    - the fuzz suite alone with 100x the tries of make test (FUZZ_TRIES=100000); see CONTRIBUTING.md"
	@echo "make format  - apply google-java-format (Spotless) to every Java file; make test checks it"
	@echo "make images  - one multi-arch image per vertex module ($(VERTEX_MODULES)),"
	@echo "               $(IMAGE_PREFIX)/<module>:$(VERSION) for $(PLATFORMS) (IMAGE_PREFIX=, PLATFORMS=, PUSH=1);"
	@echo "               prints the docker buildx commands instead when no Docker engine answers"
	@echo "make demo    - build (quietly), then run the whole pipeline in one JVM on a generated canary with a"
	@echo "               regression; prints the verdict and writes target/rollguard-report.html"
	@echo "               (DEMO_ARGS='--scenario clean')"
	@echo "make third-party - rebuild the jars and regenerate THIRD-PARTY.md from their licence reports"
	@echo "make clean   - remove build output"

build:
	$(MVN) package -DskipTests

# verify, not just test: it also builds the shaded jars and the test-jar the vertex modules' tests
# use, and checks the packaged jars (ShadedJarNativesIT), so a broken packaging fails CI too.
test:
	$(MVN) verify

# The jqwik fuzz properties (*FuzzTest) alone, long: FUZZ_TRIES tries each instead of the bounded
# pass's rollguard.fuzz.tries (root pom). verify, not test: the vertex modules need common's test-jar.
FUZZ_TRIES ?= 100000
fuzz:
	$(MVN) verify -DskipITs -Dtest='*FuzzTest' -Dsurefire.failIfNoSpecifiedTests=false \
	  -Drollguard.fuzz.tries=$(FUZZ_TRIES)

format:
	$(MVN) -q spotless:apply

# Builds with docker buildx when an engine answers; otherwise prints the exact commands instead of
# failing somewhere inside docker, so they can be run on a machine that has an engine.
images:
	@if timeout 30 docker info >/dev/null 2>&1 && docker buildx version >/dev/null 2>&1; then \
	  for m in $(VERTEX_MODULES); do \
	    echo "+ docker buildx build --platform $(PLATFORMS) --build-arg MODULE=$$m -t $(IMAGE_PREFIX)/$$m:$(VERSION) $(IMAGE_OUTPUT) ."; \
	    docker buildx build --platform $(PLATFORMS) --build-arg MODULE=$$m -t $(IMAGE_PREFIX)/$$m:$(VERSION) $(IMAGE_OUTPUT) . || exit 1; \
	  done; \
	else \
	  echo "make images: no Docker engine with buildx found ('docker info' / 'docker buildx version' failed), nothing built."; \
	  echo "These are the commands it would run, from $(CURDIR):"; \
	  for m in $(VERTEX_MODULES); do \
	    echo "docker buildx build --platform $(PLATFORMS) --build-arg MODULE=$$m -t $(IMAGE_PREFIX)/$$m:$(VERSION) $(IMAGE_OUTPUT) ."; \
	  done; \
	fi

# The whole pipeline in one JVM (scenario generator, directory registry, in-memory store with the
# store's HTTP API, the vertices' own handlers): see `java -jar cli/target/rollguard-cli.jar run --help`.
# The build runs quietly (-q: errors and warnings only) with one status line before and after.
# Exit status 0 whatever the verdict; DEMO_ARGS adds flags, e.g. DEMO_ARGS='--scenario clean --expect pass'.
DEMO_ARGS ?=
demo:
	@echo "demo: building the jars (mvn -q package -DskipTests) ..."
	@start=$$(date +%s); $(MVN) -q package -DskipTests || exit 1; \
	  echo "demo: built in $$(( $$(date +%s) - start )) s; running the pipeline"
	java -jar cli/target/rollguard-cli.jar run $(DEMO_ARGS)

# THIRD-PARTY.md from the licence reports that license-maven-plugin writes while packaging each
# shaded jar (<module>/target/licences/third-party.tsv); see licenses/README.md. `make test` fails
# while the committed file differs from what this writes.
third-party:
	$(MVN) package -DskipTests
	java licenses/ThirdPartyMarkdown.java

clean:
	$(MVN) clean
