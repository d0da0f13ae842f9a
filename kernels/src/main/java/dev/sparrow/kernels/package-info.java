/**
 * Vector API compute over arrays, a scalar twin per kernel. Every vector width comes from {@link
 * dev.sparrow.kernels.Species}; {@link dev.sparrow.kernels.VectorModule} says, before any kernel loads, when the JVM
 * lacks the Vector API.
 *
 * <p><b>Vectors never cross a method boundary.</b> No kernel method takes or returns a {@code Vector},
 * {@code VectorMask} or {@code VectorShuffle}: helpers take array offsets and counts and make their vectors and
 * masks themselves. The JIT keeps a vector in a register only while every method that handles it is inlined into
 * one compilation; a call it declines to inline makes it allocate the vector or mask as a heap object at the call,
 * on every call. Whether C2 inlines a helper depends on what is compiled first (a callee already compiled to large
 * code is not inlined), and that order differs from launch to launch under tiered compilation: measured on
 * face_detection_short_range, a depthwise helper that took its tail mask as a parameter boxed that mask in some
 * launches, which ran the depthwise and following layers 2.5–3× slower for the life of the process.
 * {@code VectorsStayInsideMethodsTest} keeps the rule.
 */
package dev.sparrow.kernels;
