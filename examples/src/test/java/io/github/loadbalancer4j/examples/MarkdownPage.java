package io.github.loadbalancer4j.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One Markdown file of the project, read the way GitHub renders it, as far as {@link DocumentationTest}
 * needs: its fenced code blocks, its relative links and the anchors other pages may link to.
 */
final class MarkdownPage {

    private static final Pattern FENCE = Pattern.compile("^\\s*(```+|~~~+)\\s*([\\w+-]*).*$");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s+(?:id|name)=\"([^\"]+)\"");
    private static final Pattern INLINE_LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern REFERENCE_LINK = Pattern.compile("^\\s*\\[[^\\]]+\\]:\\s*<?(\\S+?)>?(?:\\s+\"[^\"]*\")?\\s*$");
    private static final Pattern INLINE_CODE = Pattern.compile("`+[^`]*`+");
    private static final Pattern EXCERPT = Pattern.compile("^\\s*<!--\\s*excerpt of (\\S+)\\s*-->\\s*$");

    /** A fenced block: its language, its first line number (1-based, the line after the fence) and its text. */
    record CodeBlock(String language, int line, String code, @Nullable String excerptOf) {

        String firstLine() {
            return code.lines().filter(l -> !l.isBlank()).findFirst().orElse("").strip();
        }
    }

    /** A relative link: the line it is on and its target as written. */
    record Link(int line, String target) {
    }

    final Path path;
    private final List<String> lines;

    private MarkdownPage(Path path, List<String> lines) {
        this.path = path;
        this.lines = lines;
    }

    static MarkdownPage read(Path path) {
        try {
            return new MarkdownPage(path, Files.readAllLines(path, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return every fenced code block, in page order */
    List<CodeBlock> codeBlocks() {
        List<CodeBlock> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher open = FENCE.matcher(lines.get(i));
            if (!open.matches()) {
                continue;
            }
            String fence = open.group(1);
            String excerptOf = null;
            if (i > 0) {
                Matcher excerpt = EXCERPT.matcher(lines.get(i - 1));
                excerptOf = excerpt.matches() ? excerpt.group(1) : null;
            }
            int start = i + 1;
            int end = start;
            while (end < lines.size() && !lines.get(end).strip().startsWith(fence)) {
                end++;
            }
            blocks.add(new CodeBlock(open.group(2).toLowerCase(Locale.ROOT), start + 1,
                    String.join("\n", lines.subList(start, Math.min(end, lines.size()))), excerptOf));
            i = end;
        }
        return blocks;
    }

    /** @return every link that is neither absolute (a scheme) nor inside code, in page order */
    List<Link> relativeLinks() {
        List<Link> links = new ArrayList<>();
        forEachProseLine((number, line) -> {
            Matcher reference = REFERENCE_LINK.matcher(line);
            if (reference.matches()) {
                addIfRelative(links, number, reference.group(1));
            }
            Matcher inline = INLINE_LINK.matcher(INLINE_CODE.matcher(line).replaceAll(""));
            while (inline.find()) {
                addIfRelative(links, number, inline.group(1));
            }
        });
        return links;
    }

    /** @return the anchors of this page: GitHub's heading ids and explicit {@code <a id>}/{@code <a name>} */
    Set<String> anchors() {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        forEachProseLine((number, line) -> {
            Matcher html = HTML_ANCHOR.matcher(line);
            while (html.find()) {
                anchors.add(html.group(1));
            }
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                String slug = slug(heading.group(1));
                int n = seen.merge(slug, 1, Integer::sum);
                anchors.add(n == 1 ? slug : slug + "-" + (n - 1));
            }
        });
        return anchors;
    }

    /** GitHub's heading id: the rendered text, lower case, punctuation dropped, spaces as hyphens. */
    static String slug(String heading) {
        String text = heading.replaceAll("<[^>]+>", "")                 // inline HTML such as <a id="..."></a>
                .replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1");      // a link renders as its text
        return text.toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N}\\p{M} _-]", "")
                .replace(' ', '-');
    }

    private interface LineVisitor {
        void visit(int number, String line);
    }

    private void forEachProseLine(LineVisitor visitor) {
        String fence = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher m = FENCE.matcher(line);
            if (fence == null && m.matches()) {
                fence = m.group(1);
            } else if (fence != null && line.strip().startsWith(fence)) {
                fence = null;
            } else if (fence == null) {
                visitor.visit(i + 1, line);
            }
        }
    }

    private static void addIfRelative(List<Link> links, int line, String target) {
        if (!target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
            links.add(new Link(line, target));
        }
    }
}
