package io.github.loadbalancer4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Keeps the documentation true to the code. Every {@code ```java} block of {@code README.md} and
 * {@code docs/*.md} must appear, whitespace aside, in a file under some module's
 * {@code src/test/java}, where it is compiled and run (the test's Javadoc names the page); a block
 * right after {@code <!-- excerpt of path/to/Main.java -->} must instead be that file's lines, in
 * order, with a {@code // ...} line (and a note, if any) for what was left out. Every relative
 * link between the project's Markdown files, anchors included, must resolve.
 */
class DocumentationTest {

    private static final Path ROOT = projectRoot();

    @Test
    void everyJavaBlockOfTheDocsIsInATestOrAnExcerptOfTheCode() throws IOException {
        Map<Path, String> tests = testSources();
        List<String> problems = new ArrayList<>();

        for (MarkdownPage page : pagesWithCheckedCode()) {
            for (MarkdownPage.CodeBlock block : page.codeBlocks()) {
                if (!block.language().equals("java")) {
                    continue;
                }
                String where = ROOT.relativize(page.path) + ":" + block.line() + ": ";
                if (block.excerptOf() != null) {
                    String missing = firstLineNotInOrder(block, ROOT.resolve(block.excerptOf()));
                    if (missing != null) {
                        problems.add(where + "the excerpt of " + block.excerptOf() + " has a line the file does not have"
                                + " (in this order): " + missing);
                    }
                } else if (tests.values().stream().noneMatch(source -> source.contains(withoutWhitespace(block.code())))) {
                    problems.add(where + "no file under */src/test/java contains the java block that starts: " + block.firstLine());
                }
            }
        }

        assertThat(problems).as("java blocks no test compiles and runs").isEmpty();
    }

    @Test
    void everyRelativeLinkBetweenTheMarkdownFilesResolves() throws IOException {
        List<MarkdownPage> pages = allMarkdown();
        Map<Path, Set<String>> anchors = new HashMap<>();
        List<String> problems = new ArrayList<>();

        for (MarkdownPage page : pages) {
            for (MarkdownPage.Link link : page.relativeLinks()) {
                String where = ROOT.relativize(page.path) + ":" + link.line() + ": link '" + link.target() + "': ";
                int hash = link.target().indexOf('#');
                String file = hash < 0 ? link.target() : link.target().substring(0, hash);
                String anchor = hash < 0 ? null : link.target().substring(hash + 1);
                Path target = file.isEmpty() ? page.path : page.path.getParent().resolve(file).normalize();
                if (!target.startsWith(ROOT) || !Files.exists(target)) {
                    problems.add(where + "no such file " + ROOT.relativize(target));
                } else if (anchor != null && !anchor.isEmpty()) {
                    Set<String> known = anchors.computeIfAbsent(target, p -> MarkdownPage.read(p).anchors());
                    if (!target.toString().endsWith(".md") || !known.contains(anchor)) {
                        problems.add(where + "no heading or anchor '" + anchor + "' in " + ROOT.relativize(target));
                    }
                }
            }
        }

        assertThat(pages).extracting(p -> ROOT.relativize(p.path).toString()).contains("README.md");
        assertThat(problems).as("dead links").isEmpty();
    }

    /** README.md and docs/*.md: the pages whose java blocks users copy. */
    private static List<MarkdownPage> pagesWithCheckedCode() throws IOException {
        List<MarkdownPage> pages = new ArrayList<>();
        pages.add(MarkdownPage.read(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().map(MarkdownPage::read).forEach(pages::add);
        }
        return pages;
    }

    private static List<MarkdownPage> allMarkdown() throws IOException {
        try (Stream<Path> files = walk()) {
            return files.filter(p -> p.toString().endsWith(".md")).sorted().map(MarkdownPage::read).collect(Collectors.toList());
        }
    }

    private static Map<Path, String> testSources() throws IOException {
        try (Stream<Path> files = walk()) {
            return files.filter(p -> p.toString().endsWith(".java") && ROOT.relativize(p).toString().contains("/src/test/java/"))
                    .collect(Collectors.toMap(p -> p, p -> withoutWhitespace(read(p))));
        }
    }

    /** The project's files, without build output, hidden directories and the test backends' state. */
    private static Stream<Path> walk() throws IOException {
        return Files.walk(ROOT).filter(p -> ROOT.relativize(p).toString().isEmpty() || Stream.of(ROOT.relativize(p).toString().split("/"))
                .noneMatch(part -> part.equals("target") || part.startsWith(".")));
    }

    /**
     * @return the first line of the excerpt (elisions and blank lines aside) that is not found, in
     *     order, among the file's lines, whitespace ignored; null when every line is there
     */
    private static @Nullable String firstLineNotInOrder(MarkdownPage.CodeBlock block, Path file) {
        if (!Files.isRegularFile(file)) {
            return "(no such file)";
        }
        List<String> source = read(file).lines().map(DocumentationTest::withoutWhitespace).collect(Collectors.toList());
        int at = 0;
        for (String line : block.code().split("\n")) {
            String wanted = withoutWhitespace(line);
            if (wanted.isEmpty() || wanted.startsWith("//...")) {
                continue;
            }
            while (at < source.size() && !source.get(at).equals(wanted)) {
                at++;
            }
            if (at == source.size()) {
                return line.strip();
            }
            at++;
        }
        return null;
    }

    private static String withoutWhitespace(String s) {
        return s.replaceAll("\\s+", "");
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The directory with README.md and docs/, above the module directory Maven runs the tests in. */
    private static Path projectRoot() {
        Path dir = Paths.get(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("README.md")) && Files.isDirectory(d.resolve("docs"))
                    && Files.isRegularFile(d.resolve("pom.xml"))) {
                return d;
            }
        }
        throw new IllegalStateException("no project root (README.md, docs/, pom.xml) above " + dir);
    }
}
