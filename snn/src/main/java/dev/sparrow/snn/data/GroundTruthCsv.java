package dev.sparrow.snn.data;

import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The corridor-layout ground truth: {@code ground_truth.csv} with a header and one row per query,
 * {@code query_index,query_file,matching_reference_indices} where the indices are ';'-separated positions
 * in the name-sorted {@code reference/} folder. Rows must list queries 0, 1, 2, … in order (the order is the
 * route order that sequence matching relies on), and every query needs at least one matching reference.
 *
 * @param queryFiles file name of each query, relative to {@code query/}
 * @param matches    matching reference indices of each query, ascending, no duplicates
 */
public record GroundTruthCsv(List<String> queryFiles, int[][] matches) {
    /** Header written by {@link #write}; readers accept any header whose first three columns start like this. */
    public static final String HEADER = "query_index,query_file,matching_reference_indices";

    public GroundTruthCsv {
        if (queryFiles.size() != matches.length) {
            throw new IllegalArgumentException(queryFiles.size() + " query files but " + matches.length + " match lists");
        }
        queryFiles = List.copyOf(queryFiles);
    }

    /** Parses a corridor ground-truth file; every error names the file, the line and the problem. */
    public static GroundTruthCsv read(Path csv, int referenceCount) throws IOException {
        List<String> lines = readUtf8Lines(csv);
        if (lines.isEmpty()) {
            throw new IOException(csv + ": empty file, expected header '" + HEADER + "'");
        }
        String[] header = lines.getFirst().replace("\uFEFF", "").split(",", -1);
        if (header.length < 3 || !header[0].trim().startsWith("query_index") || !header[1].trim().startsWith("query_file")
                || !header[2].trim().startsWith("matching_reference_indices")) {
            throw new IOException(csv + " line 1: header '" + lines.getFirst() + "' is not '" + HEADER + "'");
        }
        List<String> files = new ArrayList<>();
        List<int[]> matches = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) {
                continue;
            }
            int lineNo = i + 1;
            String[] cols = line.split(",", -1);
            if (cols.length != 3) {
                throw new IOException(csv + " line " + lineNo + ": " + cols.length
                        + " columns, expected 3 (query_index,query_file,matching_reference_indices): '" + line + "'");
            }
            int index = parseInt(cols[0], csv, lineNo, "query_index");
            if (index != files.size()) {
                throw new IOException(csv + " line " + lineNo + ": query_index " + index + " out of order, expected "
                        + files.size() + " (queries must be listed 0, 1, 2, ... in route order)");
            }
            String file = cols[1].trim();
            if (file.isEmpty()) {
                throw new IOException(csv + " line " + lineNo + ": empty query_file");
            }
            String[] parts = cols[2].trim().split(";");
            int[] refs = new int[parts.length];
            for (int k = 0; k < parts.length; k++) {
                if (parts[k].isBlank()) {
                    throw new IOException(csv + " line " + lineNo + ": query " + index
                            + " has no matching reference (every query needs at least one, ';'-separated)");
                }
                refs[k] = parseInt(parts[k], csv, lineNo, "matching reference index");
                if (refs[k] < 0 || refs[k] >= referenceCount) {
                    throw new IOException(csv + " line " + lineNo + ": reference index " + refs[k]
                            + " outside 0.." + (referenceCount - 1) + " (" + referenceCount + " reference images)");
                }
            }
            files.add(file);
            matches.add(sortedUnique(refs));
        }
        if (files.isEmpty()) {
            throw new IOException(csv + ": no query rows after the header");
        }
        return new GroundTruthCsv(files, matches.toArray(int[][]::new));
    }

    /** Writes the file atomically (temporary file in the same folder, then rename). */
    public void write(Path csv) throws IOException {
        Path tmp = csv.resolveSibling(csv.getFileName() + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            w.write(HEADER + "\n");
            for (int q = 0; q < matches.length; q++) {
                StringBuilder line = new StringBuilder().append(q).append(',').append(queryFiles.get(q)).append(',');
                for (int k = 0; k < matches[q].length; k++) {
                    line.append(k == 0 ? "" : ";").append(matches[q][k]);
                }
                w.write(line.append('\n').toString());
            }
        }
        Files.move(tmp, csv, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * The lines of a UTF-8 text file. A file in another encoding (Latin-1 from a spreadsheet, say) fails
     * naming the file, the line and the byte offset of the first byte that is not UTF-8, where Java's own
     * decoder says only "Input length = 1".
     */
    static List<String> readUtf8Lines(Path csv) throws IOException {
        byte[] bytes = Files.readAllBytes(csv);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return utf8.decode(in).toString().lines().toList();
        } catch (CharacterCodingException e) {
            int at = in.position();
            long line = 1;
            for (int k = 0; k < at; k++) {
                line += bytes[k] == '\n' ? 1 : 0;
            }
            throw new IOException(String.format(Locale.ROOT, "%s line %d: byte 0x%02X at byte offset %d is not UTF-8;"
                    + " save the file as UTF-8", csv, line, bytes[at] & 0xFF, at), e);
        }
    }

    static int parseInt(String text, Path csv, int lineNo, String what) throws IOException {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IOException(csv + " line " + lineNo + ": " + what + " '" + text.trim() + "' is not an integer", e);
        }
    }

    static int[] sortedUnique(int[] values) {
        return Arrays.stream(values).sorted().distinct().toArray();
    }
}
