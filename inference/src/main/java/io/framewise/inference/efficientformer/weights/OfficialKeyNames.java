package io.framewise.inference.efficientformer.weights;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps key names of the official EfficientFormer repository (snap-research) to timm's, by rule, as timm's
 * {@code checkpoint_filter_fn} does for V1 and the documented mapping for V2. Keys already in timm form pass through.
 */
public final class OfficialKeyNames {
    private record Rule(Pattern pattern, String replacement) {
    }

    private static final List<Rule> COMMON = List.of(
            rule("^patch_embed\\.0\\.", "stem.conv1."), rule("^patch_embed\\.1\\.", "stem.norm1."),
            rule("^patch_embed\\.3\\.", "stem.conv2."), rule("^patch_embed\\.4\\.", "stem.norm2."),
            rule("^dist_head\\.", "head_dist."));

    private static final List<Rule> V2_STEM = List.of(
            rule("^stem\\.conv1\\.", "stem.conv1.conv."), rule("^stem\\.norm1\\.", "stem.conv1.bn."),
            rule("^stem\\.conv2\\.", "stem.conv2.conv."), rule("^stem\\.norm2\\.", "stem.conv2.bn."));

    /** Applied in order: the LGQuery's {@code q.proj.N} must be renamed before the generic {@code proj.N}. */
    private static final List<Rule> V2_INSIDE_BLOCKS = List.of(
            rule("\\.q\\.local\\.0\\.", ".q.local."), rule("\\.q\\.proj\\.0\\.", ".q.proj.conv."), rule("\\.q\\.proj\\.1\\.", ".q.proj.bn."),
            rule("\\.(q|k|v|v_local|stride_conv)\\.0\\.", ".$1.conv."), rule("\\.(q|k|v|v_local|stride_conv)\\.1\\.", ".$1.bn."),
            rule("(?<!\\.q)\\.proj\\.1\\.", ".proj.conv."), rule("(?<!\\.q)\\.proj\\.2\\.", ".proj.bn."),
            rule("\\.mlp\\.fc1\\.(weight|bias)$", ".mlp.fc1.conv.$1"), rule("\\.mlp\\.norm1\\.", ".mlp.fc1.bn."),
            rule("\\.mlp\\.mid\\.(weight|bias)$", ".mlp.mid.conv.$1"), rule("\\.mlp\\.mid_norm\\.", ".mlp.mid.bn."),
            rule("\\.mlp\\.fc2\\.(weight|bias)$", ".mlp.fc2.conv.$1"), rule("\\.mlp\\.norm2\\.", ".mlp.fc2.bn."));

    private static final Pattern NETWORK_BLOCK = Pattern.compile("^network\\.([0246])\\.(\\d+)\\.");
    private static final Pattern NETWORK_DOWNSAMPLE = Pattern.compile("^network\\.([135])\\.(proj|norm|conv|bn|attn)\\.");
    private static final Pattern LAYER_SCALE = Pattern.compile("\\.layer_scale_(\\d)$");

    private OfficialKeyNames() {
    }

    private static Rule rule(String regex, String replacement) {
        return new Rule(Pattern.compile(regex), replacement);
    }

    /** True when the key looks like the official repository's naming. */
    public static boolean isOfficial(String key) {
        return key.startsWith("network.") || key.startsWith("patch_embed.") || key.startsWith("dist_head.")
                || key.contains(".layer_scale_");
    }

    public static String toTimm(String key, boolean v2) {
        String k = key;
        for (Rule r : COMMON) {
            k = r.pattern.matcher(k).replaceAll(r.replacement);
        }
        Matcher block = NETWORK_BLOCK.matcher(k);
        if (block.find()) {
            k = "stages." + Integer.parseInt(block.group(1)) / 2 + ".blocks." + block.group(2) + "." + k.substring(block.end());
        }
        Matcher down = NETWORK_DOWNSAMPLE.matcher(k);
        if (down.find()) {
            int stage = (Integer.parseInt(down.group(1)) + 1) / 2;
            String part = down.group(2);
            String rest = k.substring(down.end());
            if (!v2) {
                k = "stages." + stage + ".downsample." + (part.equals("proj") ? "conv" : "norm") + "." + rest;
            } else if (part.equals("attn")) {
                k = "stages." + stage + ".downsample.attn." + rest;
            } else {
                // V2: network.N.{proj|conv, norm|bn} -> downsample.conv.{conv, bn}
                k = "stages." + stage + ".downsample.conv." + (part.equals("proj") || part.equals("conv") ? "conv" : "bn") + "." + rest;
            }
        }
        Matcher ls = LAYER_SCALE.matcher(k);
        if (ls.find()) {
            k = k.substring(0, ls.start()) + ".ls" + ls.group(1) + ".gamma";
        }
        if (v2) {
            for (Rule r : V2_STEM) {
                k = r.pattern.matcher(k).replaceAll(r.replacement);
            }
            if (k.startsWith("stages.")) {
                for (Rule r : V2_INSIDE_BLOCKS) {
                    k = r.pattern.matcher(k).replaceAll(r.replacement);
                }
            }
        }
        return k;
    }
}
