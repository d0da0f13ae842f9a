package dev.sparrow.snn.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A place-recognition data set: one reference image per place (the map, in route order), query images in
 * route order, and for every query the reference indices that count as a correct match.
 *
 * <p>Two folder layouts are read:
 * <pre>
 * corridor layout (the one to record your own routes in)     Nordland layout (shared/data/vpr/nordland-*)
 *   reference/   one image per place, name order = place      reference_&lt;season&gt;/  images-NNNNN.png
 *   query/       query images                                 query_&lt;season&gt;/      same names = same place
 *   ground_truth.csv  query_index,query_file,                 ground_truth.csv  index,query_file,reference_file,...
 *                     matching_reference_indices (a;b;c)
 * </pre>
 *
 * @param root       folder the data set was read from
 * @param layout     "corridor" or "nordland"
 * @param references reference image files, index = place
 * @param queries    query image files in route order
 * @param matches    per query, ascending indices of matching references
 */
public record VprDataset(Path root, String layout, List<Path> references, List<Path> queries, int[][] matches) {

    /** Printed whenever a folder is not a data set, so users see what to create. */
    public static final String EXPECTED_LAYOUT = """
            expected the corridor layout:
              DIR/reference/         one image per place (PNG or JPEG), sorted by name = route order
              DIR/query/             query images
              DIR/ground_truth.csv   header 'query_index,query_file,matching_reference_indices', one row per query
                                     in route order, e.g. '3,0000003.jpg,1;2;3;4;5' (indices into reference/)
            or the Nordland layout: DIR/reference_<name>/, DIR/query_<name>/ and DIR/ground_truth.csv with
              'index,query_file,reference_file,...' (same file name in both folders = same place)""";

    public VprDataset {
        references = List.copyOf(references);
        queries = List.copyOf(queries);
        if (queries.size() != matches.length) {
            throw new IllegalArgumentException(queries.size() + " queries but " + matches.length + " match lists");
        }
        for (int q = 0; q < matches.length; q++) {
            if (matches[q].length == 0) {
                throw new IllegalArgumentException("query " + q + " (" + queries.get(q) + ") has no matching reference");
            }
            for (int r : matches[q]) {
                if (r < 0 || r >= references.size()) {
                    throw new IllegalArgumentException("query " + q + " matches reference " + r + " outside 0.."
                            + (references.size() - 1));
                }
            }
        }
    }

    /** Number of places (= reference images). */
    public int places() {
        return references.size();
    }

    /** Number of queries. */
    public int queryCount() {
        return queries.size();
    }

    /** Opens a folder in either supported layout; anything else fails with {@link #EXPECTED_LAYOUT}. */
    public static VprDataset open(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("data set folder not found: " + dir + "\n" + EXPECTED_LAYOUT);
        }
        Path csv = dir.resolve("ground_truth.csv");
        if (Files.isDirectory(dir.resolve("reference")) && Files.isDirectory(dir.resolve("query"))
                && Files.isRegularFile(csv)) {
            return openCorridor(dir);
        }
        List<Path> refDirs = subfolders(dir, "reference_");
        List<Path> queryDirs = subfolders(dir, "query_");
        if (refDirs.size() == 1 && queryDirs.size() == 1 && Files.isRegularFile(csv)) {
            return openNordland(dir, refDirs.getFirst(), queryDirs.getFirst(), csv);
        }
        throw new IOException(dir + " is not a place-recognition data set (found "
                + listing(dir) + ")\n" + EXPECTED_LAYOUT);
    }

    private static VprDataset openCorridor(Path dir) throws IOException {
        List<Path> refs = images(dir.resolve("reference"));
        checkNumbering(refs);
        GroundTruthCsv gt = GroundTruthCsv.read(dir.resolve("ground_truth.csv"), refs.size());
        List<Path> queries = new ArrayList<>();
        for (String name : gt.queryFiles()) {
            Path file = dir.resolve("query").resolve(name);
            if (!Files.isRegularFile(file)) {
                throw new IOException(dir.resolve("ground_truth.csv") + ": query file " + file + " does not exist");
            }
            queries.add(file);
        }
        return new VprDataset(dir, "corridor", refs, queries, gt.matches());
    }

    /**
     * {@code ground_truth.csv} indexes {@code reference/} by position in name order, so an extra image (a
     * copy such as {@code 0000005 (copy).jpg}) or a missing one silently shifts every later index. When the
     * images are numbered (names of digits only, as {@code sparrow snn dataset} writes them), they must be
     * consecutive from the first number on; the first image that breaks the sequence is named.
     */
    private static void checkNumbering(List<Path> refs) throws IOException {
        if (refs.stream().noneMatch(VprDataset::isNumbered)) {
            return;
        }
        String advice = "; ground_truth.csv indexes reference/ by position, so every later place would shift";
        if (!isNumbered(refs.getFirst())) {
            throw new IOException(refs.getFirst() + " is not numbered like the other reference images (extra file?)"
                    + advice);
        }
        long first = Long.parseLong(stem(refs.getFirst()));
        for (int i = 1; i < refs.size(); i++) {
            Path ref = refs.get(i);
            if (!isNumbered(ref)) {
                throw new IOException(ref + " is not numbered like the other reference images (extra file?)" + advice);
            }
            long expected = first + i;
            long number = Long.parseLong(stem(ref));
            if (number < expected) {
                throw new IOException(ref + " repeats reference number " + number + " (extra file?)" + advice);
            }
            if (number > expected) {
                throw new IOException("reference image number " + expected + " is missing before " + ref + advice);
            }
        }
    }

    /** Digits only before the extension, and few enough to be a number. */
    private static boolean isNumbered(Path image) {
        String stem = stem(image);
        return !stem.isEmpty() && stem.length() <= 18 && stem.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static String stem(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private static VprDataset openNordland(Path dir, Path refDir, Path queryDir, Path csv) throws IOException {
        List<Path> refs = images(refDir);
        Map<String, Integer> refIndex = new HashMap<>();
        for (int i = 0; i < refs.size(); i++) {
            refIndex.put(refs.get(i).getFileName().toString(), i);
        }
        List<String> lines = GroundTruthCsv.readUtf8Lines(csv);
        if (lines.isEmpty() || !lines.getFirst().replace("\uFEFF", "").startsWith("index,query_file")) {
            throw new IOException(csv + " line 1: expected header 'index,query_file,reference_file,...' for the layout with "
                    + refDir.getFileName() + "/ and " + queryDir.getFileName() + "/\n" + EXPECTED_LAYOUT);
        }
        List<Path> queries = new ArrayList<>();
        List<int[]> matches = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] cols = line.split(",", -1);
            if (cols.length < 3) {
                throw new IOException(csv + " line " + (i + 1) + ": " + cols.length
                        + " columns, expected at least 3 (index,query_file,reference_file)");
            }
            int index = GroundTruthCsv.parseInt(cols[0], csv, i + 1, "index");
            if (index != queries.size()) {
                throw new IOException(csv + " line " + (i + 1) + ": index " + index + " out of order, expected " + queries.size());
            }
            Path query = queryDir.resolve(cols[1].trim());
            if (!Files.isRegularFile(query)) {
                throw new IOException(csv + " line " + (i + 1) + ": query file " + query + " does not exist");
            }
            Integer ref = refIndex.get(cols[2].trim());
            if (ref == null) {
                throw new IOException(csv + " line " + (i + 1) + ": reference file '" + cols[2].trim() + "' not in " + refDir);
            }
            queries.add(query);
            matches.add(new int[] {ref});
        }
        return new VprDataset(dir, "nordland", refs, queries, matches.toArray(int[][]::new));
    }

    /**
     * A smaller data set: every {@code every}-th place, at most {@code places} of them (0 = no limit).
     * Queries are thinned with the same stride (by query index) and keep only their matches among the kept
     * places, renumbered; a query left without any match is dropped.
     */
    public VprDataset select(int places, int every) {
        if (every < 1 || places < 0) {
            throw new IllegalArgumentException("need places >= 0 and every >= 1, got places=" + places + " every=" + every);
        }
        int[] newIndex = new int[references.size()];
        Arrays.fill(newIndex, -1);
        List<Path> refs = new ArrayList<>();
        for (int i = 0; i < references.size() && (places == 0 || refs.size() < places); i += every) {
            newIndex[i] = refs.size();
            refs.add(references.get(i));
        }
        if (places > 0 && refs.size() < places) {
            throw new IllegalArgumentException(root + " has only " + refs.size() + " places at stride " + every
                    + ", " + places + " requested");
        }
        List<Path> qs = new ArrayList<>();
        List<int[]> ms = new ArrayList<>();
        for (int q = 0; q < queries.size(); q += every) {
            int[] kept = Arrays.stream(matches[q]).map(r -> newIndex[r]).filter(r -> r >= 0).toArray();
            if (kept.length > 0) {
                qs.add(queries.get(q));
                ms.add(kept);
            }
        }
        return new VprDataset(root, layout, refs, qs, ms.toArray(int[][]::new));
    }

    /** The same data set restricted to the given queries (in the given order). */
    public VprDataset withQueries(int[] queryIndices) {
        List<Path> qs = new ArrayList<>();
        int[][] ms = new int[queryIndices.length][];
        for (int i = 0; i < queryIndices.length; i++) {
            qs.add(queries.get(queryIndices[i]));
            ms[i] = matches[queryIndices[i]];
        }
        return new VprDataset(root, layout, references, qs, ms);
    }

    /** Preprocessed reference images, [place][784], values 0..255. */
    public float[][] referenceImages() throws IOException {
        return preprocessAll(references);
    }

    /** Preprocessed query images, [query][784], values 0..255. */
    public float[][] queryImages() throws IOException {
        return preprocessAll(queries);
    }

    /**
     * One matching place per query, where a single one is needed (e.g. calibration labels): the query's own
     * index when it is among its matches (index-aligned traverses such as the corridor's ±2 window),
     * otherwise the middle of its match list.
     */
    public int[] primaryMatches() {
        int[] out = new int[matches.length];
        for (int q = 0; q < matches.length; q++) {
            int own = q;
            out[q] = Arrays.stream(matches[q]).anyMatch(r -> r == own) ? q : matches[q][matches[q].length / 2];
        }
        return out;
    }

    /**
     * Writes this data set in the corridor layout: images copied byte for byte and renamed to their index
     * (7 digits, original extension), {@code ground_truth.csv}, and {@code sources.csv} naming where each
     * image came from.
     */
    public void writeCorridor(Path out) throws IOException {
        if (Files.exists(out) && (!Files.isDirectory(out) || hasEntries(out))) {
            throw new IOException("output folder " + out + " exists and is not empty; choose a new folder");
        }
        Files.createDirectories(out.resolve("reference"));
        Files.createDirectories(out.resolve("query"));
        List<String> queryNames = new ArrayList<>();
        try (Writer sources = Files.newBufferedWriter(out.resolve("sources.csv"), StandardCharsets.UTF_8)) {
            sources.write("kind,index,file,source\n");
            for (int i = 0; i < references.size(); i++) {
                String name = indexName(i, references.get(i));
                Files.copy(references.get(i), out.resolve("reference").resolve(name), StandardCopyOption.COPY_ATTRIBUTES);
                sources.write("reference," + i + "," + name + "," + references.get(i) + "\n");
            }
            for (int q = 0; q < queries.size(); q++) {
                String name = indexName(q, queries.get(q));
                Files.copy(queries.get(q), out.resolve("query").resolve(name), StandardCopyOption.COPY_ATTRIBUTES);
                sources.write("query," + q + "," + name + "," + queries.get(q) + "\n");
                queryNames.add(name);
            }
        }
        new GroundTruthCsv(queryNames, matches).write(out.resolve("ground_truth.csv"));
    }

    private static String indexName(int index, Path source) {
        String name = source.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return String.format(Locale.ROOT, "%07d", index) + (dot >= 0 ? name.substring(dot).toLowerCase(Locale.ROOT) : "");
    }

    private static float[][] preprocessAll(List<Path> files) throws IOException {
        try {
            return IntStream.range(0, files.size()).parallel().mapToObj(i -> {
                try {
                    return Preprocessor.read(files.get(i));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toArray(float[][]::new);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static List<Path> images(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            List<Path> files = s.filter(Files::isRegularFile).filter(VprDataset::isImage).sorted().toList();
            if (files.isEmpty()) {
                throw new IOException(folder + " holds no PNG or JPEG images\n" + EXPECTED_LAYOUT);
            }
            return files;
        }
    }

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
    }

    private static List<Path> subfolders(Path dir, String prefix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
        }
    }

    private static boolean hasEntries(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isPresent();
        }
    }

    private static String listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<String> names = s.map(p -> p.getFileName() + (Files.isDirectory(p) ? "/" : "")).sorted().limit(10).toList();
            return names.isEmpty() ? "an empty folder" : String.join(", ", names);
        }
    }
}
