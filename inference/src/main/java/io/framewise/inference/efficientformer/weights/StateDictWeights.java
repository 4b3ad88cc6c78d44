package io.framewise.inference.efficientformer.weights;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Weights from a timm-format state dict (a {@code .safetensors} file), or one with the official repository's names,
 * renamed by {@link OfficialKeyNames}. Problems are collected while the network is built and reported together by
 * {@link #verifyAllUsed()}: every missing, mis-shaped and unexpected tensor, by name.
 */
public final class StateDictWeights implements WeightSource {
    private static final List<String> IGNORED_SUFFIXES = List.of("num_batches_tracked", "attention_bias_idxs");

    private final String origin;
    private final Map<String, Safetensors.Entry> entries = new HashMap<>();
    private final Map<String, String> originalNames = new HashMap<>();
    private final Set<String> used = new LinkedHashSet<>();
    private final List<String> problems = new ArrayList<>();
    private boolean officialNames;

    public StateDictWeights(String origin, Map<String, Safetensors.Entry> tensors, boolean v2) {
        this.origin = origin;
        for (Safetensors.Entry e : tensors.values()) {
            boolean official = OfficialKeyNames.isOfficial(e.name());
            officialNames |= official;
            String name = official ? OfficialKeyNames.toTimm(e.name(), v2) : e.name();
            // Official V2 checkpoints keep layer scales as [C, 1, 1]; timm's are [C].
            long[] shape = name.endsWith(".gamma") && e.shape().length == 3 && e.shape()[1] == 1 && e.shape()[2] == 1
                    ? new long[] {e.shape()[0]} : e.shape();
            entries.put(name, new Safetensors.Entry(name, e.dtype(), shape, e.data()));
            originalNames.put(name, e.name());
        }
    }

    public static StateDictWeights open(Path file, boolean v2) throws IOException {
        return new StateDictWeights("file:" + file.getFileName(), Safetensors.read(file), v2);
    }

    /**
     * Weights published for timm (timm's names) were evaluated with timm's crop; a checkpoint of the official
     * repository (its own names) with the official evaluation's.
     */
    @Override
    public EvaluationCrop evaluationCrop() {
        return officialNames ? EvaluationCrop.OFFICIAL : EvaluationCrop.TIMM;
    }

    @Override
    public float[] tensor(String key, long[] shape) {
        used.add(key);
        Safetensors.Entry e = entries.get(key);
        long n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        if (e == null) {
            problems.add("missing " + key + " " + Arrays.toString(shape));
            return new float[(int) n];
        }
        if (!Arrays.equals(e.shape(), shape)) {
            problems.add("mis-shaped " + describe(key) + ": file has " + Arrays.toString(e.shape()) + ", the network needs "
                    + Arrays.toString(shape));
            return new float[(int) n];
        }
        if (!e.isFloatingPoint()) {
            problems.add("wrong type " + describe(key) + ": " + e.dtype() + ", expected a floating-point tensor");
            return new float[(int) n];
        }
        return e.toFloats();
    }

    private String describe(String key) {
        String original = originalNames.get(key);
        return original == null || original.equals(key) ? key : key + " (" + original + " in the file)";
    }

    /** Throws a {@link WeightException} naming every missing, mis-shaped or unexpected tensor, if there is any. */
    public void verifyAllUsed() {
        List<String> all = new ArrayList<>(problems);
        entries.keySet().stream().filter(k -> !used.contains(k))
                .filter(k -> IGNORED_SUFFIXES.stream().noneMatch(k::endsWith)).sorted()
                .forEach(k -> all.add("unexpected " + describe(k) + " " + Arrays.toString(entries.get(k).shape())));
        if (!all.isEmpty()) {
            throw new WeightException(origin + " does not fit the network (" + all.size() + " problem"
                    + (all.size() == 1 ? "" : "s") + "):\n  " + String.join("\n  ", all));
        }
    }

    @Override
    public boolean has(String key) {
        return entries.containsKey(key);
    }

    /** The first dimension of {@code key} in the file (e.g. the classes of {@code head.bias}), or -1. */
    public long leadingDimension(String key) {
        Safetensors.Entry e = entries.get(key);
        return e == null || e.shape().length == 0 ? -1 : e.shape()[0];
    }

    @Override
    public String describe() {
        return origin;
    }
}
