# Rollguard: build, test and image targets. `make help` lists them.

SHELL := /bin/bash
.DEFAULT_GOAL := help

MVN ?= mvn -B
# The project version, from the root pom's first <version> element (the project's own).
VERSION ?= $(shell grep -m1 -o '<version>[^<]*</version>' pom.xml | sed 's:</*version>::g')
IMAGE_PREFIX ?= rollguard
# A module is a vertex (and gets an image) when its pom names a main class to shade into its jar.
VERTEX_MODULES := $(patsubst %/pom.xml,%,$(shell grep -l '<vertex.mainClass>' */pom.xml))

.PHONY: help build test format images demo third-party clean

help:
	@echo "make build   - compile and package every module; vertex modules shade to <module>/target/<name>.jar"
	@echo "make test    - run the whole test suite and package the jars: mvn -B verify (what CI runs via .ci/run)"
	@echo "make format  - apply google-java-format (Spotless) to every Java file; make test checks it"
	@echo "make images  - one image per vertex module ($(VERTEX_MODULES)), tag $(IMAGE_PREFIX)/<module>:$(VERSION)"
	@echo "make demo    - build, then run the whole pipeline in one JVM on a generated canary with a regression;"
	@echo "               prints the verdict and writes target/rollguard-report.html (DEMO_ARGS='--scenario clean')"
	@echo "make third-party - rebuild the jars and regenerate THIRD-PARTY.md from their licence reports"
	@echo "make clean   - remove build output"

build:
	$(MVN) package -DskipTests

# verify, not just test: it also builds the shaded jars and the test-jar the vertex modules' tests
# use, so a broken packaging fails CI too (about a minute more than `mvn test`).
test:
	$(MVN) verify

format:
	$(MVN) -q spotless:apply

# Builds with the Docker engine when one answers; otherwise prints the exact commands instead of
# failing somewhere inside docker, so they can be run on a machine that has an engine.
images:
	@if timeout 30 docker info >/dev/null 2>&1; then \
	  for m in $(VERTEX_MODULES); do \
	    echo "+ docker build --build-arg MODULE=$$m -t $(IMAGE_PREFIX)/$$m:$(VERSION) ."; \
	    docker build --build-arg MODULE=$$m -t $(IMAGE_PREFIX)/$$m:$(VERSION) . || exit 1; \
	  done; \
	else \
	  echo "make images: no Docker engine found ('docker info' failed), nothing built."; \
	  echo "These are the commands it would run, from $(CURDIR):"; \
	  for m in $(VERTEX_MODULES); do \
	    echo "docker build --build-arg MODULE=$$m -t $(IMAGE_PREFIX)/$$m:$(VERSION) ."; \
	  done; \
	fi

# The whole pipeline in one JVM (scenario generator, directory registry, in-memory store with the
# store's HTTP API, the vertices' own handlers): see `java -jar cli/target/rollguard-cli.jar run --help`.
# Exit status 0 whatever the verdict; DEMO_ARGS adds flags, e.g. DEMO_ARGS='--scenario clean --expect pass'.
DEMO_ARGS ?=
demo: build
	java -jar cli/target/rollguard-cli.jar run $(DEMO_ARGS)

# THIRD-PARTY.md from the licence reports that license-maven-plugin writes while packaging each
# shaded jar (<module>/target/licences/third-party.tsv); see licenses/README.md. `make test` fails
# while the committed file differs from what this writes.
third-party:
	$(MVN) package -DskipTests
	java licenses/ThirdPartyMarkdown.java

clean:
	$(MVN) clean
