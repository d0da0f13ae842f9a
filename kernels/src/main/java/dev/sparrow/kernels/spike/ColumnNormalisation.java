package dev.sparrow.kernels.spike;

import dev.sparrow.kernels.Species;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Column sums and column scaling of a row-major {@code rows x cols} matrix — the incoming-weight normalisation
 * of a fully connected synapse matrix stored presynaptic-major ({@code w[i * cols + j]}, input i, target j).
 *
 * <p>Both versions accumulate every column over the rows in ascending order, so they agree bit for bit.
 */
public final class ColumnNormalisation {
    static final VectorSpecies<Float> F = Species.FLOAT;

    private ColumnNormalisation() {
    }

    /** Vector API version: {@code sums[j] = sum_i w[i * cols + j]}. */
    public static void columnSums(float[] w, int rows, int cols, float[] sums) {
        java.util.Arrays.fill(sums, 0, cols, 0f);
        int bound = F.loopBound(cols);
        for (int i = 0; i < rows; i++) {
            int row = i * cols;
            int j = 0;
            for (; j < bound; j += F.length()) {
                FloatVector.fromArray(F, sums, j).add(FloatVector.fromArray(F, w, row + j)).intoArray(sums, j);
            }
            for (; j < cols; j++) {
                sums[j] += w[row + j];
            }
        }
    }

    /** Scalar twin of {@link #columnSums}. */
    public static void columnSumsScalar(float[] w, int rows, int cols, float[] sums) {
        java.util.Arrays.fill(sums, 0, cols, 0f);
        for (int i = 0; i < rows; i++) {
            int row = i * cols;
            for (int j = 0; j < cols; j++) {
                sums[j] += w[row + j];
            }
        }
    }

    /** Vector API version: {@code w[i * cols + j] *= factors[j]}. */
    public static void scaleColumns(float[] w, int rows, int cols, float[] factors) {
        int bound = F.loopBound(cols);
        for (int i = 0; i < rows; i++) {
            int row = i * cols;
            int j = 0;
            for (; j < bound; j += F.length()) {
                FloatVector.fromArray(F, w, row + j).mul(FloatVector.fromArray(F, factors, j)).intoArray(w, row + j);
            }
            for (; j < cols; j++) {
                w[row + j] *= factors[j];
            }
        }
    }

    /** Scalar twin of {@link #scaleColumns}. */
    public static void scaleColumnsScalar(float[] w, int rows, int cols, float[] factors) {
        for (int i = 0; i < rows; i++) {
            int row = i * cols;
            for (int j = 0; j < cols; j++) {
                w[row + j] *= factors[j];
            }
        }
    }
}
