import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Writes THIRD-PARTY.md from the licence reports that `mvn verify` (or `package`) leaves for every
 * shaded jar: {@code <module>/target/licences/third-party.tsv}, rendered by license-maven-plugin
 * with {@code licenses/third-party-report.ftl}. The page is the intro {@code
 * licenses/THIRD-PARTY.md.in} followed by tables generated from the reports and {@code
 * licenses/embedded.txt} (artifacts bundled inside a dependency's jar), so the list of what ships
 * cannot drift from the build.
 *
 * <p>A single-file program (JDK 11+ runs it from source, no build step), run from the repository
 * root:
 *
 * <pre>
 *   java licenses/ThirdPartyMarkdown.java          # rewrite THIRD-PARTY.md (`make third-party`)
 *   java licenses/ThirdPartyMarkdown.java --check  # exit 1 when THIRD-PARTY.md differs (the cli IT)
 * </pre>
 *
 * The shaded modules are the root pom's modules whose pom sets {@code <shaded.jar.name>}, in the
 * root pom's order. A missing report is an error, never an empty table.
 */
public final class ThirdPartyMarkdown {

  static final Path OUTPUT = Path.of("THIRD-PARTY.md");
  static final Path INTRO = Path.of("licenses", "THIRD-PARTY.md.in");
  static final Path REPORT = Path.of("target", "licences", "third-party.tsv");
  static final Path EMBEDDED = Path.of("licenses", "embedded.txt");

  private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
  private static final Pattern JAR_NAME =
      Pattern.compile("<shaded.jar.name>([^<]+)</shaded.jar.name>");

  /**
   * How the plugin's template separates the licences of one artifact (see third-party-report.ftl).
   */
  private static final String LICENCE_SEPARATOR = " | ";

  /** One shaded jar: the module that builds it and the jar's file name without ".jar". */
  record ShadedJar(String module, String jarName) {}

  /**
   * One artifact of the reports, the licences its POM declares, and the jars that bundle it; for an
   * artifact of licenses/embedded.txt, the dependency whose jar contains it ("" for the others).
   */
  record Artifact(String coordinates, List<String> licences, Set<String> jars, String insideOf) {
    String groupAndArtifact() {
      return coordinates.substring(0, coordinates.lastIndexOf(':'));
    }

    String version() {
      return coordinates.substring(coordinates.lastIndexOf(':') + 1);
    }

    /** Several licences in a POM offer a choice (Maven's POM reference): an SPDX-style "OR". */
    String licence() {
      return String.join(" OR ", licences);
    }
  }

  public static void main(String[] args) throws IOException {
    boolean check = args.length == 1 && args[0].equals("--check");
    if (args.length > 1 || (args.length == 1 && !check)) {
      fail("usage: java licenses/ThirdPartyMarkdown.java [--check]   (from the repository root)");
    }
    if (!Files.isRegularFile(Path.of("pom.xml")) || !Files.isRegularFile(INTRO)) {
      fail("run from the repository root (no pom.xml or " + INTRO + " here)");
    }
    List<ShadedJar> jars = shadedJars(Path.of("."));
    String rendered =
        render(Files.readString(INTRO, StandardCharsets.UTF_8), jars, readReports(jars));
    if (check) {
      String committed =
          Files.isRegularFile(OUTPUT) ? Files.readString(OUTPUT, StandardCharsets.UTF_8) : "";
      if (!committed.equals(rendered)) {
        fail(
            OUTPUT
                + " is not what the licence reports give: run `make third-party` and commit it"
                + " (first differing line: "
                + firstDifference(committed, rendered)
                + ")");
      }
      System.out.println(
          OUTPUT + " is up to date with the licence reports of " + jars.size() + " jars");
    } else {
      Files.writeString(OUTPUT, rendered, StandardCharsets.UTF_8);
      System.out.println(
          "wrote " + OUTPUT + " from the licence reports of " + jars.size() + " jars");
    }
  }

  static List<ShadedJar> shadedJars(Path root) throws IOException {
    List<ShadedJar> jars = new ArrayList<>();
    Matcher modules =
        MODULE.matcher(Files.readString(root.resolve("pom.xml"), StandardCharsets.UTF_8));
    while (modules.find()) {
      String module = modules.group(1).trim();
      Matcher jarName =
          JAR_NAME.matcher(
              Files.readString(root.resolve(module).resolve("pom.xml"), StandardCharsets.UTF_8));
      if (jarName.find()) {
        jars.add(new ShadedJar(module, jarName.group(1).trim()));
      }
    }
    if (jars.isEmpty()) {
      fail("no module of " + root.resolve("pom.xml") + " sets <shaded.jar.name>");
    }
    return jars;
  }

  /**
   * The artifacts of all reports, by coordinates, each with the jars it is in (in module order).
   */
  static Map<String, Artifact> readReports(List<ShadedJar> jars) throws IOException {
    Map<String, Artifact> artifacts = new TreeMap<>();
    for (ShadedJar jar : jars) {
      Path report = Path.of(jar.module()).resolve(REPORT);
      if (!Files.isRegularFile(report)) {
        fail(
            "no licence report "
                + report
                + ": build the jars first (`mvn -B package -DskipTests`,"
                + " which `make third-party` runs)");
      }
      for (String line : Files.readAllLines(report, StandardCharsets.UTF_8)) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] fields = line.split("\t", -1);
        if (fields.length < 2 || fields[0].split(":").length != 3 || fields[1].isBlank()) {
          fail(report + ": not a report line (coordinates<TAB>licences...): " + line);
        }
        List<String> licences = List.of(fields[1].split(Pattern.quote(LICENCE_SEPARATOR)));
        Artifact artifact =
            artifacts.computeIfAbsent(
                fields[0],
                coordinates -> new Artifact(coordinates, licences, new LinkedHashSet<>(), ""));
        if (!artifact.licences().equals(licences)) {
          fail(
              fields[0]
                  + " has different licences in different reports: "
                  + artifact.licences()
                  + " and "
                  + licences
                  + " ("
                  + report
                  + ")");
        }
        artifact.jars().add(jar.jarName());
      }
    }
    addEmbedded(artifacts);
    return artifacts;
  }

  /** The artifacts of licenses/embedded.txt, in the jars of the dependency that bundles each. */
  static void addEmbedded(Map<String, Artifact> artifacts) throws IOException {
    for (String line : Files.readAllLines(EMBEDDED, StandardCharsets.UTF_8)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] fields = line.split(Pattern.quote(LICENCE_SEPARATOR), -1);
      if (fields.length != 3 || fields[0].strip().split(":").length != 3) {
        fail(
            EMBEDDED
                + ": not \"groupId:artifactId:version | licence | groupId:artifactId\": "
                + line);
      }
      String host = fields[2].strip();
      Set<String> jars =
          artifacts.values().stream()
              .filter(a -> a.groupAndArtifact().equals(host))
              .flatMap(a -> a.jars().stream())
              .collect(Collectors.toCollection(LinkedHashSet::new));
      if (jars.isEmpty()) {
        fail(EMBEDDED + ": " + host + ", which bundles " + fields[0].strip() + ", is in no report");
      }
      artifacts.put(
          fields[0].strip(),
          new Artifact(fields[0].strip(), List.of(fields[1].strip()), jars, host));
    }
  }

  static String render(String intro, List<ShadedJar> jars, Map<String, Artifact> artifacts) {
    List<String> jarNames = jars.stream().map(ShadedJar::jarName).toList();
    StringBuilder md = new StringBuilder();
    md.append(
            "<!-- Generated by `make third-party` (licenses/ThirdPartyMarkdown.java) from the"
                + " licence\n")
        .append(
            "     reports that the build writes for every shaded jar"
                + " (<module>/target/licences/third-party.tsv,\n")
        .append(
            "     license-maven-plugin). Do not edit: change licenses/THIRD-PARTY.md.in, the policy"
                + " in\n")
        .append(
            "     licenses/ or the dependencies, then regenerate. `mvn verify` fails while this"
                + " file is stale. -->\n");
    String text = intro.strip();
    if (text.startsWith("<!--")) { // the intro's note to its editors, not part of the page
      text = text.substring(text.indexOf("-->") + 3).strip();
    }
    md.append(text).append("\n\n");

    md.append("## Summary\n\n");
    md.append(artifacts.size())
        .append(" third-party artifacts are bundled in the ")
        .append(jarNames.size())
        .append(" shaded jars (")
        .append(String.join(", ", code(jarNames)))
        .append("), under these licences (\"OR\": the POM offers a choice):\n\n");
    md.append("| Licence | Artifacts |\n| --- | --- |\n");
    Map<String, Integer> byLicence = new TreeMap<>();
    artifacts.values().forEach(a -> byLicence.merge(a.licence(), 1, Integer::sum));
    byLicence.entrySet().stream()
        .sorted(
            Map.Entry.<String, Integer>comparingByValue()
                .reversed()
                .thenComparing(Map.Entry.comparingByKey()))
        .forEach(
            e ->
                md.append("| ")
                    .append(e.getKey())
                    .append(" | ")
                    .append(e.getValue())
                    .append(" |\n"));

    md.append("\n## Runtime dependencies\n\n");
    md.append(
            "Licences as the artifact's POM (or its parent POM) declares them, with the names"
                + " normalised by\n")
        .append(
            "[`licenses/licence-names.txt`](licenses/licence-names.txt); an artifact \"inside\""
                + " another is\n")
        .append(
            "bundled in that one's jar ([`licenses/embedded.txt`](licenses/embedded.txt)). \"All\""
                + " means all ")
        .append(jarNames.size())
        .append(" jars.\n\n");
    md.append("| Artifact | Version | Licence | In |\n| --- | --- | --- | --- |\n");
    artifacts.values().stream()
        .sorted(Comparator.comparing(Artifact::groupAndArtifact).thenComparing(Artifact::version))
        .forEach(
            a ->
                md.append("| ")
                    .append(a.groupAndArtifact())
                    .append(a.insideOf().isEmpty() ? "" : " (inside " + a.insideOf() + ")")
                    .append(" | ")
                    .append(a.version())
                    .append(" | ")
                    .append(a.licence())
                    .append(" | ")
                    .append(
                        a.jars().size() == jarNames.size()
                            ? "all"
                            : String.join(", ", code(a.jars())))
                    .append(" |\n"));
    return md.toString();
  }

  private static List<String> code(Iterable<String> names) {
    List<String> quoted = new ArrayList<>();
    names.forEach(name -> quoted.add("`" + name + "`"));
    return quoted;
  }

  private static String firstDifference(String committed, String rendered) {
    String[] a = committed.split("\n", -1);
    String[] b = rendered.split("\n", -1);
    for (int i = 0; i < Math.max(a.length, b.length); i++) {
      String left = i < a.length ? a[i] : "<end of file>";
      String right = i < b.length ? b[i] : "<end of file>";
      if (!left.equals(right)) {
        return (i + 1) + ": committed \"" + left + "\", generated \"" + right + "\"";
      }
    }
    return "none";
  }

  private static void fail(String message) {
    System.err.println("third-party: " + message);
    System.exit(1);
  }

  private ThirdPartyMarkdown() {}
}
