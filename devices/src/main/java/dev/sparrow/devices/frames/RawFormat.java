package dev.sparrow.devices.frames;

/** Layouts of uncompressed frames on a pipe, as camera tools write them. */
public enum RawFormat {
    /** 8-bit grey, {@code width * height} bytes, row-major. */
    GREY,
    /**
     * Planar YUV 4:2:0 (I420), what {@code rpicam-vid --codec yuv420 -o -} writes: the Y plane,
     * {@code width * height} bytes, then the U and the V planes, each {@code ceil(width/2) * ceil(height/2)}
     * bytes. The Y plane is the grey frame; the chroma planes are read past.
     */
    YUV420;

    /** Bytes one frame of this size takes on the stream. */
    public long frameBytes(int width, int height) {
        long luma = (long) width * height;
        return switch (this) {
            case GREY -> luma;
            case YUV420 -> luma + 2L * chromaPlaneBytes(width, height);
        };
    }

    static long chromaPlaneBytes(int width, int height) {
        return (long) ((width + 1) / 2) * ((height + 1) / 2);
    }
}
