package dev.sparrow.kernels.f32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.junit.jupiter.api.Test;

class ElementwiseTest {

    @Test
    void binaryMatchesScalarTwinForRunsAndRepeatedOperands() {
        Random r = new Random(20);
        for (Elementwise.Binary op : Elementwise.Binary.values()) {
            for (int t = 0; t < 30; t++) {
                int n = r.nextInt(4 * Elementwise.L + 3);
                int aStep = r.nextInt(2), bStep = r.nextInt(2);
                float[] a = GemmTest.random(r, n + 2), b = GemmTest.random(r, n + 3);
                float[] ov = new float[n + 1], os = new float[n + 1];
                Elementwise.binary(op, a, 2, aStep, b, 3, bStep, ov, 1, n, -1.5f, 1.5f);
                Elementwise.binaryScalar(op, a, 2, aStep, b, 3, bStep, os, 1, n, -1.5f, 1.5f);
                assertArrayEquals(os, ov, 0f, op + " n " + n);
            }
        }
    }

    @Test
    void paddedChannelResidualMatchesScalarTwinAndAddsPlusZeroToPaddedChannels() {
        Random r = new Random(25);
        int l = Elementwise.L;
        int[][] channelPairs = {{28, 24}, {24, 24}, {3, 1}, {l, l / 2}, {l + 1, l}, {2 * l + 5, l + 3}, {128, 64},
                {48, 32}, {7, 0}};
        for (int[] pair : channelPairs) {
            int channels = pair[0], residualChannels = pair[1];
            for (int t = 0; t < 4; t++) {
                int pixels = 1 + r.nextInt(9);
                float[] residual = GemmTest.random(r, pixels * residualChannels + 2);
                float[] sum = GemmTest.random(r, pixels * channels + 3);
                sum[1] = -0f;
                float[] sv = sum.clone(), ss = sum.clone();
                Elementwise.addPaddedChannels(sv, 1, channels, residual, 2, residualChannels, pixels, -0.5f,
                        Float.POSITIVE_INFINITY);
                Elementwise.addPaddedChannelsScalar(ss, 1, channels, residual, 2, residualChannels, pixels, -0.5f,
                        Float.POSITIVE_INFINITY);
                assertArrayEquals(ss, sv, 0f, channels + " channels, residual " + residualChannels);
                for (int p = 0; p < pixels; p++) {
                    for (int c = 0; c < channels; c++) {
                        float padded = c < residualChannels ? residual[2 + p * residualChannels + c] : 0f;
                        float expected = Math.max(sum[1 + p * channels + c] + padded, -0.5f);
                        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(sv[1 + p * channels + c]),
                                "pixel " + p + " channel " + c + " of " + channels + "/" + residualChannels);
                    }
                }
            }
        }
    }

    @Test
    void channelPreluMatchesScalarTwinForAnyChannelCountPhaseAndTail() {
        Random r = new Random(23);
        for (int channels : new int[] {1, 3, 8, 16, 24, 32, 33, 64, 128, 2 * Elementwise.L + 5}) {
            for (int t = 0; t < 8; t++) {
                int n = r.nextInt(6 * Elementwise.L + 7);
                int phase = r.nextInt(channels);
                float[] alpha = GemmTest.random(r, channels);
                float[] ext = Elementwise.periodicSlopes(alpha, channels);
                float[] x = GemmTest.random(r, n + 2);
                float[] ov = new float[n + 1], os = new float[n + 1];
                Elementwise.preluChannels(x, 2, ext, channels, phase, ov, 1, n, -0.75f, Float.POSITIVE_INFINITY);
                Elementwise.preluChannelsScalar(x, 2, ext, channels, phase, os, 1, n, -0.75f, Float.POSITIVE_INFINITY);
                assertArrayEquals(os, ov, 0f, "channels " + channels + " phase " + phase + " n " + n);
            }
        }
    }

    @Test
    void perChannelBinaryMatchesScalarTwinForAnyChannelCountPhaseAndTail() {
        Random r = new Random(24);
        for (Elementwise.Binary op : Elementwise.Binary.values()) {
            for (int channels : new int[] {2, 3, 8, 16, 24, 33, 2 * Elementwise.L + 5}) {
                for (int t = 0; t < 6; t++) {
                    int n = r.nextInt(6 * Elementwise.L + 7);
                    int phase = r.nextInt(channels);
                    float[] values = GemmTest.random(r, channels + 3);
                    float[] ext = Elementwise.periodicSlopes(new float[channels], channels);
                    Elementwise.fillPeriodic(values, 3, channels, ext);
                    float[] x = GemmTest.random(r, n + 2);
                    float[] ov = new float[n + 1], os = new float[n + 1];
                    Elementwise.binaryChannels(op, x, 2, ext, channels, phase, ov, 1, n, -0.5f, 0.75f);
                    Elementwise.binaryChannelsScalar(op, x, 2, ext, channels, phase, os, 1, n, -0.5f, 0.75f);
                    assertArrayEquals(os, ov, 0f, op + " channels " + channels + " phase " + phase + " n " + n);
                    if (n > 0) {
                        float y = values[3 + phase];
                        float expected = switch (op) {
                            case ADD -> x[2] + y;
                            case MUL -> x[2] * y;
                            case PRELU -> x[2] >= 0 ? x[2] : x[2] * y;
                        };
                        assertEquals(Math.min(Math.max(expected, -0.5f), 0.75f), ov[1]);
                    }
                }
            }
        }
    }

    @Test
    void unaryMatchesScalarTwinWithinTwoUlp() {
        Random r = new Random(21);
        for (Elementwise.Unary op : Elementwise.Unary.values()) {
            int n = 4 * Elementwise.L + 5;
            float[] in = new float[n + 1];
            for (int i = 0; i < in.length; i++) {
                in[i] = (float) (r.nextGaussian() * 8);
            }
            in[1] = -100f;
            in[2] = 100f;
            in[3] = 0f;
            float[] ov = new float[n], os = new float[n];
            Elementwise.unary(op, in, 1, ov, 0, n, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
            Elementwise.unaryScalar(op, in, 1, os, 0, n, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
            for (int i = 0; i < n; i++) {
                assertTrue(Math.abs(ov[i] - os[i]) <= 2 * Math.ulp(os[i]) + Float.MIN_NORMAL,
                        op + " at x=" + in[1 + i] + ": " + ov[i] + " vs " + os[i]);
            }
        }
    }

    /** Softmax and LOGISTIC rely on the Vector API's EXP lane operation; it must stay within 2 ulp. */
    @Test
    void vectorExpIsWithinTwoUlpOfMathExp() {
        Random r = new Random(22);
        float[] x = new float[4099];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextDouble() * 190 - 100);
        }
        for (int i = 0; i + Elementwise.L <= x.length; i += Elementwise.L) {
            float[] e = FloatVector.fromArray(Elementwise.F, x, i).lanewise(VectorOperators.EXP).toArray();
            for (int j = 0; j < e.length; j++) {
                float expected = (float) Math.exp(x[i + j]);
                assertTrue(e[j] == expected || Math.abs(e[j] - expected) <= 2 * Math.ulp(expected), "exp(" + x[i + j] + ") = " + e[j] + " vs " + expected);
            }
        }
    }

    @Test
    void softmaxMatchesScalarTwinAndSumsToOne() {
        Random r = new Random(23);
        for (int t = 0; t < 20; t++) {
            int depth = 1 + r.nextInt(3 * Elementwise.L + 4), rows = 1 + r.nextInt(4);
            float beta = 0.5f + r.nextFloat();
            float[] in = GemmTest.random(r, rows * depth + 1);
            float[] ov = new float[rows * depth], os = new float[rows * depth];
            Elementwise.softmax(in, 1, ov, 0, depth, beta, 0, rows);
            Elementwise.softmaxScalar(in, 1, os, 0, depth, beta, 0, rows);
            for (int i = 0; i < ov.length; i++) {
                assertEquals(os[i], ov[i], 4e-7 * Math.max(1e-3, os[i]) + 1e-9);
            }
            double sum = 0;
            for (int i = 0; i < depth; i++) {
                sum += ov[i];
            }
            assertEquals(1.0, sum, 1e-5);
        }
    }
}
