package io.rollguard.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every shaded jar carries the native libraries of both image architectures, linux/amd64 and
 * linux/arm64: Netty's epoll transport (numaflow-java's gRPC over the Unix domain socket) and
 * JavaCPP's OpenBLAS and ARPACK (Smile's LAPACK); no macOS or Windows natives; and its manifest
 * names the project version (one version everywhere). Runs in {@code verify}, after the jars were
 * packaged; prints the natives it found.
 */
class ShadedJarNativesIT {

  /** Required per architecture: {arch in Netty's naming, arch in JavaCPP's naming}. */
  private static final String[][] ARCHITECTURES = {
    {"x86_64", "linux-x86_64"}, {"aarch_64", "linux-arm64"}
  };

  private static List<String> required(String nettyArch, String javacppArch) {
    return List.of(
        "META-INF/native/libnetty_transport_native_epoll_" + nettyArch + ".so",
        "org/bytedeco/javacpp/" + javacppArch + "/libjnijavacpp.so",
        "org/bytedeco/openblas/" + javacppArch + "/libjniopenblas.so",
        "org/bytedeco/openblas/" + javacppArch + "/libopenblas.so.0",
        "org/bytedeco/openblas/" + javacppArch + "/libgfortran.so.5",
        "org/bytedeco/arpackng/" + javacppArch + "/libjniarpack.so",
        "org/bytedeco/arpackng/" + javacppArch + "/libarpack.so.2");
  }

  @Test
  void everyModuleWithAnImageIsChecked() {
    assertEquals(
        Set.of(
            "source-prometheus",
            "udf-window",
            "udf-preprocess",
            "udf-inference",
            "udf-postprocess",
            "sink-anomaly-store"),
        new TreeSet<>(
            ProjectLayout.vertexModules().stream()
                .map(ProjectLayout.ShadedModule::directory)
                .toList()));
  }

  @TestFactory
  Stream<DynamicTest> everyShadedJarCarriesTheNativesOfBothArchitectures() {
    return ProjectLayout.shadedModules().stream()
        .map(
            module ->
                DynamicTest.dynamicTest(
                    module.directory(),
                    () -> {
                      assertTrue(
                          Files.isRegularFile(module.jar()),
                          module.jar()
                              + " is missing: this check runs in a full build (make test, or mvn"
                              + " verify from the repository root), after every module is"
                              + " packaged");
                      List<String> natives = new ArrayList<>();
                      Set<String> entries = new TreeSet<>();
                      try (JarFile jar = new JarFile(module.jar().toFile())) {
                        jar.stream()
                            .forEach(
                                e -> {
                                  entries.add(e.getName());
                                  if (e.getName()
                                      .matches(".*\\.(so(\\.[0-9]+)*|dylib|dll|jnilib)$")) {
                                    natives.add(
                                        String.format("%10d  %s", e.getSize(), e.getName()));
                                  }
                                });
                        System.out.println(
                            module.jar().getFileName()
                                + " ("
                                + Files.size(module.jar())
                                + " bytes), natives:\n  "
                                + String.join("\n  ", natives));
                        List<String> missing = new ArrayList<>();
                        for (String[] arch : ARCHITECTURES) {
                          required(arch[0], arch[1]).stream()
                              .filter(r -> !entries.contains(r))
                              .forEach(missing::add);
                        }
                        assertEquals(List.of(), missing, module.jar() + " lacks natives");
                        List<String> foreign =
                            natives.stream()
                                .filter(
                                    n ->
                                        n.contains("macosx-")
                                            || n.contains("windows-")
                                            || n.endsWith(".dylib")
                                            || n.endsWith(".dll"))
                                .toList();
                        assertEquals(
                            List.of(),
                            foreign,
                            "the images are Linux: no macOS or Windows natives");

                        assertEquals(
                            ProjectLayout.version(),
                            jar.getManifest()
                                .getMainAttributes()
                                .getValue("Implementation-Version"),
                            "the jar's manifest names the project version");
                        // One Netty: the epoll natives (both classifiers come from one version
                        // property) must match
                        // the Netty classes numaflow-java brings, or JNI linking fails at start.
                        assertEquals(
                            pomVersion(jar, "io.netty", "netty-common"),
                            pomVersion(jar, "io.netty", "netty-transport-native-epoll"),
                            "Netty classes vs epoll natives");
                        assertEquals(
                            pomVersion(jar, "org.bytedeco", "javacpp"),
                            pomVersion(jar, "org.bytedeco", "openblas")
                                .substring(
                                    pomVersion(jar, "org.bytedeco", "openblas").lastIndexOf('-')
                                        + 1),
                            "JavaCPP vs OpenBLAS presets");
                      }
                    }));
  }

  private static String pomVersion(JarFile jar, String group, String artifact) throws IOException {
    var entry = jar.getEntry("META-INF/maven/" + group + "/" + artifact + "/pom.properties");
    assertTrue(
        entry != null, jar.getName() + " has no pom.properties of " + group + ":" + artifact);
    Properties properties = new Properties();
    try (var in = jar.getInputStream(entry)) {
      properties.load(in);
    }
    return properties.getProperty("version");
  }
}
