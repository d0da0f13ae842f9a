package dev.sparrow.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import org.junit.jupiter.api.Test;

/** The package rule: no kernel method takes or returns a vector, mask or shuffle (see package-info). */
class VectorsStayInsideMethodsTest {

    private static boolean isVectorType(Class<?> type) {
        return Vector.class.isAssignableFrom(type) || VectorMask.class.isAssignableFrom(type)
                || VectorShuffle.class.isAssignableFrom(type);
    }

    @Test
    void noKernelMethodTakesOrReturnsAVector() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(VectorsStayInsideMethodsTest.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolveSibling("classes");
        List<String> classes;
        try (Stream<Path> files = Files.walk(root.resolve("dev/sparrow/kernels"))) {
            classes = files.map(root::relativize).map(Path::toString).filter(n -> n.endsWith(".class"))
                    .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.')).toList();
        }
        assertTrue(classes.size() > 5, "found the kernel classes under " + root + ": " + classes);
        List<String> offenders = new ArrayList<>();
        for (String name : classes) {
            for (Method m : Class.forName(name).getDeclaredMethods()) {
                boolean crosses = isVectorType(m.getReturnType())
                        || Stream.of(m.getParameterTypes()).anyMatch(VectorsStayInsideMethodsTest::isVectorType);
                if (crosses) {
                    offenders.add(m.toString());
                }
            }
        }
        assertEquals(List.of(), offenders);
    }
}
