package io.rollguard.cli.licences;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the shaded jars, and so the images, ship: Akka 2.6 (Apache-2.0) only, a licence report that
 * covers each jar's contents, THIRD-PARTY.md generated from those reports, and a licence check that
 * really fails the build. A failsafe test (integration-test phase of this module, which depends on
 * every vertex module): it runs after every shaded jar, this module's included, has been built in
 * the same {@code mvn verify}. A jar or report that is missing fails; nothing is skipped.
 */
class ShippedLicencesIT {

  private static final Path ROOT = repositoryRoot();
  private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
  private static final Pattern JAR_NAME =
      Pattern.compile("<shaded.jar.name>([^<]+)</shaded.jar.name>");
  private static final Pattern AKKA_VERSION =
      Pattern.compile("(?m)^\\s*akka\\.version\\s*=\\s*\"(\\d+)\\.(\\d+)\\.(\\d+)\"");
  private static final Path REPORT = Path.of("target", "licences", "third-party.tsv");

  /** A module that shades a jar, and that jar's file. */
  record ShadedJar(String module, Path jar) {
    Path report() {
      return ROOT.resolve(module).resolve(REPORT);
    }

    @Override
    public String toString() {
      return module;
    }
  }

  /** The root pom's modules whose pom sets {@code <shaded.jar.name>}: every jar that ships. */
  static List<ShadedJar> shadedJars() throws IOException {
    List<ShadedJar> jars = new ArrayList<>();
    Matcher modules = MODULE.matcher(Files.readString(ROOT.resolve("pom.xml")));
    while (modules.find()) {
      String module = modules.group(1).trim();
      Matcher jarName = JAR_NAME.matcher(Files.readString(ROOT.resolve(module).resolve("pom.xml")));
      if (jarName.find()) {
        jars.add(
            new ShadedJar(
                module,
                ROOT.resolve(module).resolve("target").resolve(jarName.group(1).trim() + ".jar")));
      }
    }
    return jars;
  }

  /** The modules whose pom declares the shade plugin are those that name a shaded jar. */
  @Test
  void everyShadedJarIsBuiltWithALicenceReport() throws IOException {
    List<ShadedJar> jars = shadedJars();
    Set<String> shading = new TreeSet<>();
    Matcher modules = MODULE.matcher(Files.readString(ROOT.resolve("pom.xml")));
    while (modules.find()) {
      String module = modules.group(1).trim();
      if (Files.readString(ROOT.resolve(module).resolve("pom.xml"))
          .contains("maven-shade-plugin")) {
        shading.add(module);
      }
    }
    assertEquals(
        shading,
        jars.stream().map(ShadedJar::module).collect(Collectors.toSet()),
        "modules that declare the shade plugin, and modules that set <shaded.jar.name>");
    assertTrue(
        shading.contains("cli") && shading.contains("udf-window"), "shaded modules: " + shading);
    for (ShadedJar jar : jars) {
      assertTrue(
          Files.isRegularFile(jar.jar()),
          jar.jar() + " is missing: this test runs in `mvn verify` after every module is packaged");
      assertTrue(
          Files.isRegularFile(jar.report()),
          jar.report()
              + " is missing: "
              + jar.module()
              + "/pom.xml must declare license-maven-plugin"
              + " next to the shade plugin (the licence check of what its jar bundles)");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shadedJars")
  void bundlesAkka26NotTheBuslLicensed27OrLater(ShadedJar jar) throws IOException {
    String versionConf = entry(jar, "version.conf");
    Matcher version = AKKA_VERSION.matcher(versionConf);
    assertTrue(version.find(), jar.jar() + "!/version.conf names no akka.version:\n" + versionConf);
    assertEquals("2", version.group(1), "Akka major version in " + jar.jar());
    assertEquals(
        "6",
        version.group(2),
        "Akka minor version in " + jar.jar() + ": 2.7 and later are BUSL-1.1");
    // The version compiled into the code (akka.Version.current, which Akka checks against the
    // config at start): the classes and the config come from the same Akka.
    String versionClass =
        new String(entryBytes(jar, "akka/Version$.class"), StandardCharsets.ISO_8859_1);
    String configured = version.group(1) + "." + version.group(2) + "." + version.group(3);
    assertTrue(
        versionClass.contains(configured),
        jar.jar() + "!/akka/Version$.class is not Akka " + configured);
  }

  /**
   * Every artifact that left its Maven metadata in the jar is in the jar's licence report at the
   * same version, or in licenses/embedded.txt when a dependency bundles it inside its own jar: the
   * report describes what ships, not what a pom was thought to bring. (Artifacts built by sbt, Akka
   * and Scala among them, carry no such metadata; the plugin lists them all the same, from the
   * dependency graph.)
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("shadedJars")
  void licenceReportCoversEveryArtifactInTheJar(ShadedJar jar) throws IOException {
    Set<String> inJar = artifactsWithMavenMetadata(jar);
    assertTrue(
        inJar.size() > 40, "too few artifacts with Maven metadata in " + jar.jar() + ": " + inJar);
    Map<String, String> reported = report(jar);
    Set<String> unreported = new TreeSet<>(inJar);
    unreported.removeAll(reported.keySet());
    Map<String, EmbeddedArtifact> embedded = embedded();
    unreported.removeAll(embedded.keySet());
    assertEquals(
        Set.of(),
        unreported,
        "in " + jar.jar() + " but neither in " + jar.report() + " nor in licenses/embedded.txt");
    assertTrue(
        reported.containsKey("com.typesafe.akka:akka-actor_3:2.6.21"),
        jar.report() + " lists no akka-actor_3 2.6.21");
    for (String artifact : inJar) {
      EmbeddedArtifact inside = embedded.get(artifact);
      if (inside != null && !reported.containsKey(artifact)) {
        assertTrue(
            reported.keySet().stream().anyMatch(a -> a.startsWith(inside.insideOf() + ":")),
            artifact
                + " is in "
                + jar.jar()
                + ", but "
                + inside.insideOf()
                + ", which licenses/embedded.txt says bundles it, is not in "
                + jar.report());
      }
    }
  }

  /** licenses/embedded.txt lists only what some jar contains, and only under allowed licences. */
  @Test
  void embeddedArtifactsShipAndAreUnderAllowedLicences() throws IOException {
    Set<String> inSomeJar = new TreeSet<>();
    for (ShadedJar jar : shadedJars()) {
      inSomeJar.addAll(artifactsWithMavenMetadata(jar));
    }
    List<String> allowed = policyLines("licenses/allowed.txt");
    for (EmbeddedArtifact artifact : embedded().values()) {
      assertTrue(
          inSomeJar.contains(artifact.coordinates()),
          "licenses/embedded.txt lists "
              + artifact.coordinates()
              + ", which no shaded jar contains");
      assertTrue(
          allowed.contains(artifact.licence()),
          "licenses/embedded.txt: "
              + artifact.coordinates()
              + " is "
              + artifact.licence()
              + ", which licenses/allowed.txt does not allow");
    }
  }

  /**
   * The groupId:artifactId:version of every META-INF/maven/.../pom.properties but the project's
   * own.
   */
  private static Set<String> artifactsWithMavenMetadata(ShadedJar jar) throws IOException {
    assertTrue(Files.isRegularFile(jar.jar()), jar.jar() + " is missing");
    Set<String> inJar = new TreeSet<>();
    try (ZipFile zip = new ZipFile(jar.jar().toFile())) {
      for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
        ZipEntry entry = e.nextElement();
        if (entry.getName().startsWith("META-INF/maven/")
            && entry.getName().endsWith("/pom.properties")) {
          Properties pom = new Properties();
          try (InputStream in = zip.getInputStream(entry)) {
            pom.load(in);
          }
          if (!pom.getProperty("groupId").startsWith("io.rollguard")) {
            inJar.add(
                pom.getProperty("groupId")
                    + ":"
                    + pom.getProperty("artifactId")
                    + ":"
                    + pom.getProperty("version"));
          }
        }
      }
    }
    return inJar;
  }

  /** One line of licenses/embedded.txt. */
  record EmbeddedArtifact(String coordinates, String licence, String insideOf) {}

  private static Map<String, EmbeddedArtifact> embedded() throws IOException {
    Map<String, EmbeddedArtifact> embedded = new TreeMap<>();
    for (String line : policyLines("licenses/embedded.txt")) {
      String[] fields = line.split(" \\| ", -1);
      assertEquals(3, fields.length, "licenses/embedded.txt: " + line);
      embedded.put(
          fields[0].strip(),
          new EmbeddedArtifact(fields[0].strip(), fields[1].strip(), fields[2].strip()));
    }
    return embedded;
  }

  /** A policy file's entries: its lines less blank lines and # comments. */
  private static List<String> policyLines(String file) throws IOException {
    return Files.readAllLines(ROOT.resolve(file)).stream()
        .map(String::strip)
        .filter(line -> !line.isEmpty() && !line.startsWith("#"))
        .toList();
  }

  /**
   * No report names a banned licence. The plugin fails the build before it writes such a report;
   * this catches a configuration that stopped it from failing (failOnBlacklist off, say).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("shadedJars")
  void licenceReportNamesNoBannedLicence(ShadedJar jar) throws IOException {
    List<String> banned = policyLines("licenses/banned.txt");
    assertTrue(banned.contains("BUSL-1.1"), "licenses/banned.txt does not ban BUSL-1.1: " + banned);
    Map<String, String> withBanned = new TreeMap<>();
    report(jar)
        .forEach(
            (artifact, licences) -> {
              for (String licence : licences.split(" \\| ")) {
                if (banned.contains(licence.strip())) {
                  withBanned.put(artifact, licences);
                }
              }
            });
    assertEquals(Map.of(), withBanned, "banned licences in " + jar.report());
  }

  @Test
  void thirdPartyMdIsWhatTheLicenceReportsGive() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process generator =
        new ProcessBuilder(java.toString(), "licenses/ThirdPartyMarkdown.java", "--check")
            .directory(ROOT.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(generator.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(generator.waitFor(2, TimeUnit.MINUTES), "the generator did not finish: " + output);
    assertEquals(0, generator.exitValue(), output);
  }

  /**
   * The checks fail the build: small projects that inherit the root pom (its enforcer rule and
   * licence-check configuration, unchanged) and declare one or two dependencies, built with the
   * same Maven up to {@code generate-resources}, where the licence check runs.
   */
  @Nested
  class TheBuildFails {

    @Test
    void onABuslOrAnUnknownLicence() throws Exception {
      // The enforcer rule would stop Akka 2.8.5 first; skipping it leaves the licence check alone.
      Build build =
          build(
              "busl-and-epl",
              akkaActor("2.8.5")
                  + """
                  <dependency>
                    <groupId>junit</groupId>
                    <artifactId>junit</artifactId>
                    <version>4.13.2</version>
                  </dependency>
                  """,
              "-Denforcer.skip=true");
      assertNotEquals(0, build.exitCode(), build.output());
      assertTrue(build.output().contains("There are some forbidden licenses used"), build.output());
      assertTrue(
          build.output().contains("License: 'BUSL-1.1' used by 1 dependencies"), build.output());
      assertTrue(build.output().contains("com.typesafe.akka:akka-actor_3:2.8.5"), build.output());
      // JUnit 4 is EPL-1.0 only: not banned, but not on the allow-list either.
      assertTrue(
          build.output().contains("License: 'EPL-1.0' used by 1 dependencies"), build.output());
      assertTrue(build.output().contains("junit:junit:4.13.2"), build.output());
    }

    @Test
    void onADependencyThatDeclaresNoLicence() throws Exception {
      // dom4j 1.6.1's POM has no <licenses> and no parent.
      Build build =
          build(
              "no-licence",
              """
              <dependency>
                <groupId>dom4j</groupId>
                <artifactId>dom4j</artifactId>
                <version>1.6.1</version>
                <exclusions>
                  <exclusion>
                    <groupId>*</groupId>
                    <artifactId>*</artifactId>
                  </exclusion>
                </exclusions>
              </dependency>
              """,
              "-Denforcer.skip=true");
      assertNotEquals(0, build.exitCode(), build.output());
      assertTrue(build.output().contains("There is 1 dependency with no license"), build.output());
      assertTrue(build.output().contains("dom4j--dom4j--1.6.1"), build.output());
      // The allow-list sees it first, as the licence 'Unknown license'.
      assertTrue(
          build.output().contains("License: 'Unknown license' used by 1 dependencies"),
          build.output());
    }

    @Test
    void onAnAkkaOtherThanAkkaActor26() throws Exception {
      Build build = build("akka-2.8", akkaActor("2.8.5"));
      assertNotEquals(0, build.exitCode(), build.output());
      assertTrue(build.output().contains("BannedDependencies failed"), build.output());
      assertTrue(
          build.output().contains("com.typesafe.akka:akka-actor_3:jar:2.8.5"), build.output());
    }

    /** The control: the same project with the pinned Akka passes both checks. */
    @Test
    void notOnAkkaActor2621() throws Exception {
      Build build = build("akka-2.6", akkaActor("2.6.21"));
      assertEquals(0, build.exitCode(), build.output());
      String report = Files.readString(build.directory().resolve(REPORT));
      assertTrue(report.contains("com.typesafe.akka:akka-actor_3:2.6.21\tApache-2.0\t"), report);
    }
  }

  record Build(Path directory, int exitCode, String output) {}

  private static String akkaActor(String version) {
    return """
    <dependency>
      <groupId>com.typesafe.akka</groupId>
      <artifactId>akka-actor_3</artifactId>
      <version>%s</version>
    </dependency>
    """
        .formatted(version);
  }

  /**
   * Builds a project that inherits the root pom and has these dependencies, up to
   * generate-resources.
   */
  private static Build build(String name, String dependencies, String... extraArgs)
      throws Exception {
    String mavenHome = System.getProperty("maven.home");
    if (mavenHome == null || !Files.isExecutable(Path.of(mavenHome, "bin", "mvn"))) {
      fail(
          "no Maven to run (system property maven.home = "
              + mavenHome
              + "); the cli pom passes the running Maven's home to failsafe");
    }
    Path directory = ROOT.resolve("cli/target/licence-fixtures").resolve(name);
    Files.createDirectories(directory);
    Files.writeString(
        directory.resolve("pom.xml"),
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <parent>
            <groupId>io.rollguard</groupId>
            <artifactId>rollguard-parent</artifactId>
            <version>%s</version>
            <relativePath>%s</relativePath>
          </parent>
          <artifactId>licence-fixture-%s</artifactId>
          <dependencies>
        %s
          </dependencies>
          <build>
            <plugins>
              <plugin>
                <groupId>org.codehaus.mojo</groupId>
                <artifactId>license-maven-plugin</artifactId>
              </plugin>
            </plugins>
          </build>
        </project>
        """
            .formatted(
                System.getProperty("rollguard.project.version"),
                directory.relativize(ROOT.resolve("pom.xml")),
                name,
                dependencies.indent(4)));
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(mavenHome, "bin", "mvn").toString(),
                "-B",
                "-ntp",
                "-f",
                directory.resolve("pom.xml").toString(),
                "-Drollguard.licences.dir=" + ROOT.resolve("licenses"),
                "generate-resources"));
    command.addAll(List.of(extraArgs));
    Path log = directory.resolve("build.log");
    Process maven =
        new ProcessBuilder(command)
            .directory(directory.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!maven.waitFor(5, TimeUnit.MINUTES)) {
      maven.destroyForcibly();
      fail("`" + String.join(" ", command) + "` did not finish in 5 minutes; log: " + log);
    }
    return new Build(directory, maven.exitValue(), Files.readString(log));
  }

  /** The report's artifacts (groupId:artifactId:version) and their licences ("a | b"). */
  private static Map<String, String> report(ShadedJar jar) throws IOException {
    assertTrue(Files.isRegularFile(jar.report()), jar.report() + " is missing");
    Map<String, String> artifacts =
        Files.readAllLines(jar.report()).stream()
            .filter(line -> !line.isBlank() && !line.startsWith("#"))
            .map(line -> line.split("\t", -1))
            .collect(Collectors.toMap(f -> f[0], f -> f[1], (a, b) -> a, TreeMap::new));
    assertFalse(artifacts.isEmpty(), jar.report() + " lists no artifact");
    return artifacts;
  }

  private static String entry(ShadedJar jar, String name) throws IOException {
    return new String(entryBytes(jar, name), StandardCharsets.UTF_8);
  }

  private static byte[] entryBytes(ShadedJar jar, String name) throws IOException {
    assertTrue(Files.isRegularFile(jar.jar()), jar.jar() + " is missing");
    try (ZipFile zip = new ZipFile(jar.jar().toFile())) {
      ZipEntry entry = zip.getEntry(name);
      assertTrue(entry != null, jar.jar() + " has no " + name);
      try (InputStream in = zip.getInputStream(entry)) {
        return in.readAllBytes();
      }
    }
  }

  private static Path repositoryRoot() {
    String configured = System.getProperty("rollguard.repo.root");
    if (configured == null || configured.isBlank()) {
      throw new IllegalStateException(
          "system property rollguard.repo.root is not set (the cli pom sets it)");
    }
    Path root = Path.of(configured).toAbsolutePath().normalize();
    if (!Files.isRegularFile(root.resolve("licenses/banned.txt"))) {
      throw new IllegalStateException(
          root + " is not the repository root (no licenses/banned.txt)");
    }
    return root;
  }
}
