package io.framewise.inference.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

import io.framewise.inference.ModelMetadata;
import io.framewise.inference.tiny.TinyConvNet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a model may be exported: a new place, an empty directory, or (when asked) a model directory it replaces. A
 * file, a link or a directory of anything else is the user's and is never touched.
 */
class ModelExporterTest {
    @TempDir
    Path temp;

    @Test
    void aNewPlaceOrAnEmptyDirectoryTakesAModel() throws IOException {
        ModelExporter.checkTarget(temp.resolve("new"), false);
        Path empty = Files.createDirectory(temp.resolve("empty"));
        ModelExporter.checkTarget(empty, false);
        TinyConvNet.export(empty, 1, 32);
        assertThat(empty.resolve(ModelMetadata.FILE_NAME)).isRegularFile();
    }

    @Test
    void aFileIsNeverReplaced() throws IOException {
        Path file = Files.writeString(temp.resolve("notes.txt"), "mine");
        assertThatThrownBy(() -> ModelExporter.checkTarget(file, true)).isInstanceOf(ExportRefusedException.class)
                .hasMessageContaining("exists and is not a directory");
        assertThatThrownBy(() -> TinyConvNet.export(file, 1, 32)).isInstanceOf(ExportRefusedException.class);
        assertThat(file).hasContent("mine");
    }

    @Test
    void aDirectoryOfAnythingElseIsNeverReplacedNorEmptied() throws IOException {
        Path home = Files.createDirectory(temp.resolve("home"));
        Files.writeString(home.resolve("thesis.tex"), "years of work");
        Files.createDirectories(home.resolve("photos")).resolve("a.jpg").toFile().createNewFile();
        assertThatThrownBy(() -> ModelExporter.checkTarget(home, true)).isInstanceOf(ExportRefusedException.class)
                .hasMessageContaining("holds no Framewise model").hasMessageContaining("never deletes what it did not write");
        assertThatThrownBy(() -> TinyConvNet.export(home, 1, 32)).isInstanceOf(ExportRefusedException.class);
        assertThat(home.resolve("thesis.tex")).hasContent("years of work");
        assertThat(home.resolve("photos").resolve("a.jpg")).exists();
        try (var entries = Files.list(home)) {
            assertThat(entries.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("thesis.tex", "photos");
        }
        try (var siblings = Files.list(temp)) {
            assertThat(siblings.map(p -> p.getFileName().toString())).as("no staging left beside it").containsExactly("home");
        }
    }

    @Test
    void aLinkIsNeverFollowedIntoWhatItPointsAt() throws IOException {
        Path real = Files.createDirectory(temp.resolve("real"));
        Path link = Files.createSymbolicLink(temp.resolve("link"), real);
        assertThatThrownBy(() -> ModelExporter.checkTarget(link, true)).isInstanceOf(ExportRefusedException.class);
    }

    @Test
    void aModelIsReplacedOnlyWhenAskedAndThenWhole() throws IOException {
        Path model = temp.resolve("model");
        TinyConvNet.export(model, 1, 32);
        Files.writeString(model.resolve("stale.txt"), "from the old model");
        assertThatThrownBy(() -> ModelExporter.checkTarget(model, false)).isInstanceOf(ExportRefusedException.class)
                .hasMessageContaining("already holds a Framewise model");

        TinyConvNet.export(model, 2, 32); // the fixture replaces

        assertThat(ModelMetadata.read(model).version()).isEqualTo("seed-2");
        assertThat(model.resolve("stale.txt")).doesNotExist();
        try (var siblings = Files.list(temp)) {
            assertThat(siblings.map(p -> p.getFileName().toString())).as("nothing left aside").containsExactly("model");
        }
    }

    @Test
    void anExportedDirectoryFollowsTheUmaskLikeAnyOtherDirectory() throws IOException {
        // it was 0700 (a temporary directory's): the container's user could not read a mounted model
        Set<PosixFilePermission> usual = Files.getPosixFilePermissions(Files.createDirectory(temp.resolve("reference")));
        Path model = temp.resolve("model");
        TinyConvNet.export(model, 1, 32);
        assertThat(Files.getPosixFilePermissions(model)).isEqualTo(usual);
    }
}
