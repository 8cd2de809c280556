// Turns the Markdown the review pack writes (kb/review_pack.h) into one
// self-contained, printable HTML page.
//
// Only the subset the pack uses is understood: ATX headings (# to ####),
// paragraphs, "- " bullet lists nested by two spaces a level, pipe tables
// (a header row, then a |---| row), and inline `code`, **bold**, *italic* and
// backslash escapes. Anything else is kept as text (HTML-escaped), so the
// page never carries markup from the knowledge base.
//
// Thread safety: a pure function.
#ifndef NOROTRIAGE_KB_MARKDOWN_HTML_H_
#define NOROTRIAGE_KB_MARKDOWN_HTML_H_

#include <string>
#include <string_view>

namespace norotriage::internal {

// A complete HTML document titled `title`, with a screen and print stylesheet.
std::string MarkdownToHtmlPage(std::string_view markdown, std::string_view title);

// One line of inline Markdown as HTML (exposed for tests).
std::string InlineMarkdownToHtml(std::string_view line);

}  // namespace norotriage::internal

#endif  // NOROTRIAGE_KB_MARKDOWN_HTML_H_
