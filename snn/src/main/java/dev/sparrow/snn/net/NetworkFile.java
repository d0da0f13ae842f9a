package dev.sparrow.snn.net;

import dev.sparrow.snn.data.TrainedOn;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * Binary files of trained networks (big-endian).
 *
 * <pre>
 * file     = magic[4] version:int [trainedOn] payload crc32:int   (crc32 over every byte before it)
 * trainedOn (version 2 on; absent in version 1 files, which still read): recorded : byte (0 or 1), then if 1
 *            dataSetLength : int, dataSet : UTF-8 bytes, places : int, every : int, fingerprint : long
 *            (see {@link TrainedOn}); ensemble members record nothing of their own
 * network  payload ("SNNW"):
 *   imageWidth imageHeight neuronsPerModule placesPerModule epochs : int, seed : long, shuffled : byte,
 *   places : int, hyperactiveThreshold : int, weightFormat : byte (0 float32, 1 int8), modules : int,
 *   per module: placeCount : int, places : int[placeCount], theta : float[N], assignment : int[N],
 *               activeCount : int[N], delays : byte[I*N] (the same for every module of networks trained
 *               since delays are shared; kept per module so that older files still read),
 *               float32: weights : float[I*N] | int8: scale : float[N], weights : byte[I*N]
 * ensemble payload ("SNNE"): members : int, per member: length : int, a complete network file
 * </pre>
 * The simulation mode and thread count are not stored: a loaded network answers in fast mode on all cores
 * ({@link ModularNetwork#withMode} changes that). Readers check the checksum first, then every count and length
 * against the bytes that are left before allocating or trusting it.
 */
final class NetworkFile {
    static final byte[] NETWORK_MAGIC = "SNNW".getBytes(StandardCharsets.US_ASCII);
    static final byte[] ENSEMBLE_MAGIC = "SNNE".getBytes(StandardCharsets.US_ASCII);
    /** Version written: 2 records what the network was trained on. */
    static final int VERSION = 2;
    /** Oldest version read: 1, which has no {@link TrainedOn} record. */
    static final int OLDEST_VERSION = 1;

    private NetworkFile() {
    }

    static byte[] encodeNetwork(ModularNetwork net, TrainedOn trainedOn) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(NETWORK_MAGIC);
        out.writeInt(VERSION);
        writeTrainedOn(out, trainedOn);
        SnnConfig c = net.config();
        out.writeInt(c.imageWidth());
        out.writeInt(c.imageHeight());
        out.writeInt(c.neuronsPerModule());
        out.writeInt(c.placesPerModule());
        out.writeInt(c.epochs());
        out.writeLong(c.seed());
        out.writeByte(c.shuffledModules() ? 1 : 0);
        out.writeInt(net.places());
        out.writeInt(net.hyperactiveThreshold());
        out.writeByte(net.isInt8() ? 1 : 0);
        out.writeInt(net.modules());
        for (SnnModule m : net.moduleList()) {
            out.writeInt(m.places.length);
            for (int p : m.places) {
                out.writeInt(p);
            }
            for (float t : m.theta) {
                out.writeFloat(t);
            }
            for (int a : m.assignment) {
                out.writeInt(a);
            }
            for (int a : m.activeCount) {
                out.writeInt(a);
            }
            out.write(m.delays);
            if (m.isInt8()) {
                for (float s : m.scale) {
                    out.writeFloat(s);
                }
                out.write(m.quantised);
            } else {
                for (float w : m.weights) {
                    out.writeFloat(w);
                }
            }
        }
        return withCrc(bytes, out);
    }

    static byte[] encodeEnsemble(List<ModularNetwork> members, TrainedOn trainedOn) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(ENSEMBLE_MAGIC);
        out.writeInt(VERSION);
        writeTrainedOn(out, trainedOn);
        out.writeInt(members.size());
        for (ModularNetwork m : members) {
            byte[] member = encodeNetwork(m, null);
            out.writeInt(member.length);
            out.write(member);
        }
        return withCrc(bytes, out);
    }

    private static void writeTrainedOn(DataOutputStream out, TrainedOn trainedOn) throws IOException {
        if (trainedOn == null) {
            out.writeByte(0);
            return;
        }
        out.writeByte(1);
        byte[] dataSet = trainedOn.dataSet().getBytes(StandardCharsets.UTF_8);
        out.writeInt(dataSet.length);
        out.write(dataSet);
        out.writeInt(trainedOn.places());
        out.writeInt(trainedOn.every());
        out.writeLong(trainedOn.fingerprint());
    }

    /** Reads the {@link TrainedOn} record of a version-2 frame; null for version 1 or when none was recorded. */
    private static TrainedOn readTrainedOn(Reader r, int version) throws IOException {
        if (version < 2 || r.byteIn("trainedOn recorded", 0, 1) == 0) {
            return null;
        }
        int length = r.intIn("trainedOn dataSet length", 0, TrainedOn.MAX_DATA_SET_BYTES);
        String dataSet = new String(r.bytes(length, "trainedOn dataSet"), StandardCharsets.UTF_8);
        int places = r.intIn("trainedOn places", 1, Integer.MAX_VALUE);
        int every = r.intIn("trainedOn every", 1, Integer.MAX_VALUE);
        long fingerprint = r.buf.getLong(r.need(8, "trainedOn fingerprint"));
        return new TrainedOn(dataSet, places, every, fingerprint);
    }

    /** What the checked file {@code data} (network or ensemble) records it was trained on, or null. */
    static TrainedOn trainedOn(Path file, byte[] data) throws IOException {
        return readTrainedOn(new Reader(file.toString(), data, 8, data.length - 4), version(data, 0));
    }

    private static int version(byte[] data, int offset) {
        return ByteBuffer.wrap(data, offset + 4, 4).getInt();
    }

    private static byte[] withCrc(ByteArrayOutputStream bytes, DataOutputStream out) throws IOException {
        out.flush();
        CRC32 crc = new CRC32();
        byte[] body = bytes.toByteArray();
        crc.update(body);
        out.writeInt((int) crc.getValue());
        out.flush();
        return bytes.toByteArray();
    }

    /**
     * Temp files not written to for this long are left over from a save that was killed: a save writes
     * bytes already in memory and takes seconds, so a younger one may belong to a save still running.
     */
    static final Duration STALE_TEMP_AGE = Duration.ofMinutes(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Temp file {@code .NAME<digits>.tmp} in the same folder, fsync, atomic rename: a crash leaves the old
     * file or the new one. Stale temp files of that naming are removed first, and an overwritten file keeps
     * its permissions (a new one gets the default permissions, as any file the user creates).
     */
    static void writeAtomically(Path file, byte[] data) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        removeStaleTemps(dir, target.getFileName().toString());
        Path tmp = dir.resolve("." + target.getFileName() + Long.toUnsignedString(RANDOM.nextLong()) + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(data);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            keepPermissions(target, tmp);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException | UnsupportedOperationException dirSyncUnsupported) {
                // Some file systems cannot open a directory for syncing; the rename itself is already atomic.
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void removeStaleTemps(Path dir, String name) throws IOException {
        Pattern ours = Pattern.compile(Pattern.quote("." + name) + "\\d+\\.tmp");
        FileTime staleBefore = FileTime.from(Instant.now().minus(STALE_TEMP_AGE));
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir,
                p -> ours.matcher(p.getFileName().toString()).matches())) {
            for (Path temp : entries) {
                if (Files.isRegularFile(temp, LinkOption.NOFOLLOW_LINKS)
                        && Files.getLastModifiedTime(temp).compareTo(staleBefore) < 0) {
                    Files.deleteIfExists(temp);
                }
            }
        }
    }

    private static void keepPermissions(Path target, Path tmp) throws IOException {
        if (!Files.exists(target)) {
            return;
        }
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(target);
            Files.setPosixFilePermissions(tmp, permissions);
        } catch (UnsupportedOperationException notPosix) {
            // A file system without POSIX permissions has no mode to keep.
        }
    }

    /** Fails naming the file when it is missing, a directory, or not a regular file (a FIFO would block). */
    static void checkReadable(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new IOException("model file not found: " + file);
        }
        if (Files.isDirectory(file)) {
            throw new IOException(file + " is a directory, not a network file written by 'sparrow snn train'");
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + " is not a regular file (a FIFO or device), not a network file");
        }
    }

    /** Reads a whole file and checks magic, version and checksum; returns the bytes. */
    static byte[] readChecked(Path file, byte[] magic) throws IOException {
        checkReadable(file);
        byte[] data = Files.readAllBytes(file);
        checkFrame(file.toString(), data, magic);
        return data;
    }

    private static void checkFrame(String name, byte[] data, byte[] magic) throws IOException {
        String kind = new String(magic, StandardCharsets.US_ASCII);
        if (data.length < 12) {
            throw new IOException(name + ": truncated, " + data.length + " bytes is shorter than the 12-byte frame of a "
                    + kind + " file");
        }
        for (int k = 0; k < 4; k++) {
            if (data[k] != magic[k]) {
                throw new IOException(name + ": not a Sparrow " + kind + " file (magic at byte offset 0 is "
                        + printable(data, 4) + ")");
            }
        }
        int version = version(data, 0);
        if (version < OLDEST_VERSION || version > VERSION) {
            throw new IOException(name + ": unsupported version " + version + " (this reader understands "
                    + OLDEST_VERSION + ".." + VERSION + ")");
        }
        CRC32 crc = new CRC32();
        crc.update(data, 0, data.length - 4);
        int stored = ByteBuffer.wrap(data, data.length - 4, 4).getInt();
        if (stored != (int) crc.getValue()) {
            throw new IOException(name + ": checksum mismatch (stored " + Integer.toHexString(stored) + ", computed "
                    + Long.toHexString(crc.getValue()) + "): the file is corrupt or truncated");
        }
    }

    /** The first bytes of a file in quotes, non-printable ones as {@code \\xNN}: a magic may hold NUL bytes. */
    private static String printable(byte[] data, int count) {
        StringBuilder s = new StringBuilder("\"");
        for (int k = 0; k < count; k++) {
            int b = data[k] & 0xFF;
            s.append(b >= 0x20 && b < 0x7F ? String.valueOf((char) b) : String.format("\\x%02x", b));
        }
        return s.append('"').toString();
    }

    static ModularNetwork decodeNetwork(Path file, byte[] data) throws IOException {
        return decodeNetwork(file.toString(), data, 0, data.length);
    }

    private static ModularNetwork decodeNetwork(String name, byte[] data, int offset, int length) throws IOException {
        Reader r = new Reader(name, data, offset + 8, offset + length - 4);
        readTrainedOn(r, version(data, offset));
        int width = r.intIn("imageWidth", 1, 4096);
        int height = r.intIn("imageHeight", 1, 4096);
        int neurons = r.intIn("neuronsPerModule", 1, 32767);
        int perModule = r.intIn("placesPerModule", 1, Integer.MAX_VALUE);
        int epochs = r.intIn("epochs", 0, Integer.MAX_VALUE);
        long seed = r.buf.getLong(r.need(8, "seed"));
        boolean shuffled = r.byteIn("shuffled", 0, 1) == 1;
        int places = r.intIn("places", 1, Integer.MAX_VALUE);
        int threshold = r.intIn("hyperactiveThreshold", 0, Integer.MAX_VALUE);
        boolean int8 = r.byteIn("weightFormat", 0, 1) == 1;
        int moduleCount = r.intIn("modules", 1, places);
        int inputs = width * height;
        long synapses = (long) inputs * neurons;
        SnnConfig defaults = SnnConfig.defaults();
        SnnConfig cfg = new SnnConfig(width, height, neurons, perModule, epochs, seed, defaults.mode(),
                defaults.threads(), shuffled);
        List<SnnModule> modules = new ArrayList<>();
        byte[] sharedDelays = null;
        for (int m = 0; m < moduleCount; m++) {
            String where = "module " + m + " ";
            int count = r.intIn(where + "placeCount", 1, perModule);
            int[] placeList = new int[count];
            for (int p = 0; p < count; p++) {
                placeList[p] = r.intIn(where + "place", 0, places - 1);
            }
            float[] theta = r.floats(neurons, where + "theta");
            int[] assignment = new int[neurons];
            for (int j = 0; j < neurons; j++) {
                int pos = r.pos;
                assignment[j] = r.intIn(where + "assignment", -1, places - 1);
                if (assignment[j] >= 0 && !contains(placeList, assignment[j])) {
                    throw new IOException(name + ": " + where + "assigns neuron " + j + " to place " + assignment[j]
                            + " which the module does not own (byte offset " + pos + ")");
                }
            }
            int[] active = new int[neurons];
            for (int j = 0; j < neurons; j++) {
                active[j] = r.intIn(where + "activeCount", 0, places);
            }
            byte[] delays = r.bytes(synapses, where + "delays");
            for (int k = 0; k < delays.length; k++) {
                if (delays[k] < 0 || delays[k] > VprConstants.MAX_DELAY_STEPS) {
                    throw new IOException(name + ": " + where + "delay " + delays[k] + " of synapse " + k
                            + " is outside 0.." + VprConstants.MAX_DELAY_STEPS);
                }
            }
            // the modules of a network share one delay matrix: keep one copy in memory
            if (sharedDelays != null && Arrays.equals(sharedDelays, delays)) {
                delays = sharedDelays;
            }
            sharedDelays = delays;
            if (int8) {
                float[] scale = r.floats(neurons, where + "scale");
                byte[] q = r.bytes(synapses, where + "int8 weights");
                modules.add(new SnnModule(inputs, neurons, placeList, null, q, scale, delays, theta, assignment, active));
            } else {
                float[] w = r.floats(synapses, where + "weights");
                modules.add(new SnnModule(inputs, neurons, placeList, w, null, null, delays, theta, assignment, active));
            }
        }
        if (r.pos != r.limit) {
            throw new IOException(name + ": " + (r.limit - r.pos) + " unexpected bytes after the last module at byte offset "
                    + r.pos + " (header does not match the file length)");
        }
        return new ModularNetwork(cfg, places, modules, threshold);
    }

    static List<ModularNetwork> decodeEnsemble(Path file, byte[] data) throws IOException {
        String name = file.toString();
        Reader r = new Reader(name, data, 8, data.length - 4);
        readTrainedOn(r, version(data, 0));
        int members = r.intIn("members", 1, 1 << 16);
        List<ModularNetwork> result = new ArrayList<>();
        for (int k = 0; k < members; k++) {
            int length = r.intIn("length of member " + k, 12, r.limit - r.pos - 4);
            int start = r.need(length, "member " + k);
            byte[] member = java.util.Arrays.copyOfRange(data, start, start + length);
            checkFrame(name + " member " + k, member, NETWORK_MAGIC);
            result.add(decodeNetwork(name + " member " + k, member, 0, member.length));
        }
        if (r.pos != r.limit) {
            throw new IOException(name + ": unexpected bytes after the last member at byte offset " + r.pos);
        }
        return result;
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    /** Bounds-checked reader over {@code [pos, limit)}; every failure names the file, field and byte offset. */
    private static final class Reader {
        final String name;
        final ByteBuffer buf;
        final int limit;
        int pos;

        Reader(String name, byte[] data, int pos, int limit) {
            this.name = name;
            this.buf = ByteBuffer.wrap(data);
            this.pos = pos;
            this.limit = limit;
        }

        int need(long n, String what) throws IOException {
            if (n < 0 || n > limit - pos) {
                throw new IOException(name + ": truncated: " + what + " needs " + n + " bytes at byte offset " + pos
                        + " but only " + (limit - pos) + " remain");
            }
            int at = pos;
            pos += (int) n;
            return at;
        }

        int intIn(String what, int min, int max) throws IOException {
            int at = need(4, what);
            int v = buf.getInt(at);
            if (v < min || v > max) {
                throw new IOException(name + ": " + what + " = " + v + " at byte offset " + at + " is outside "
                        + min + ".." + max);
            }
            return v;
        }

        int byteIn(String what, int min, int max) throws IOException {
            int at = need(1, what);
            int v = buf.get(at);
            if (v < min || v > max) {
                throw new IOException(name + ": " + what + " = " + v + " at byte offset " + at + " is outside "
                        + min + ".." + max);
            }
            return v;
        }

        float[] floats(long n, String what) throws IOException {
            int at = need(n * 4, what);
            float[] f = new float[(int) n];
            for (int k = 0; k < f.length; k++) {
                f[k] = buf.getFloat(at + 4 * k);
                if (!Float.isFinite(f[k])) {
                    throw new IOException(name + ": " + what + "[" + k + "] is not finite at byte offset " + (at + 4 * k));
                }
            }
            return f;
        }

        byte[] bytes(long n, String what) throws IOException {
            int at = need(n, what);
            return java.util.Arrays.copyOfRange(buf.array(), at, at + (int) n);
        }
    }
}
