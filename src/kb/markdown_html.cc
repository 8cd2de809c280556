#include "kb/markdown_html.h"

#include <cctype>
#include <vector>

#include <fmt/format.h>

namespace norotriage::internal {
namespace {

constexpr std::string_view kStyle = R"(
body { font: 11pt/1.45 "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #111;
       max-width: 60em; margin: 2em auto; padding: 0 1.5em; }
h1 { font-size: 1.7em; border-bottom: 2px solid #333; padding-bottom: .2em; }
h2 { font-size: 1.35em; border-bottom: 1px solid #999; margin-top: 2em; padding-bottom: .15em; }
h3 { font-size: 1.1em; margin-top: 1.6em; background: #f1f3f5; padding: .3em .5em; border-left: 4px solid #557; }
h4 { font-size: 1em; margin-top: 1.3em; }
p { margin: .45em 0; }
ul { margin: .3em 0 .6em; padding-left: 1.6em; }
li { margin: .1em 0; }
code { font: .88em "DejaVu Sans Mono", Consolas, monospace; background: #f3f3f3; padding: 0 .2em;
       border-radius: 3px; white-space: normal; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: .6em 0 1em; font-size: .92em; }
th, td { border: 1px solid #aaa; padding: .35em .5em; vertical-align: top; text-align: left; }
th { background: #eceef1; }
td:empty { height: 2.2em; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  @page { margin: 16mm 14mm; }
  h2 { break-before: page; }
  h1 + p + p + table + h2, h2:first-of-type { break-before: auto; }
  h2, h3, h4 { break-after: avoid; }
  tr, li { break-inside: avoid; }
  code { background: none; }
}
)";

std::string HtmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// A heading's anchor: lower-case letters and digits, runs of others as '-'.
std::string Slug(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!out.empty() && out.back() != '-' && static_cast<unsigned char>(c) < 0x80) {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

// Splits a table row on the '|' that are not escaped or inside `code`.
std::vector<std::string> Cells(std::string_view row) {
  std::vector<std::string> cells;
  std::string cur;
  bool code = false;
  for (size_t i = 0; i < row.size(); ++i) {
    char c = row[i];
    if (c == '\\' && i + 1 < row.size()) {
      cur += c;
      cur += row[++i];
    } else if (c == '`') {
      code = !code;
      cur += c;
    } else if (c == '|' && !code) {
      cells.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  cells.push_back(cur);
  // A row starts and ends with '|': drop the empty outer cells.
  if (!cells.empty()) cells.erase(cells.begin());
  if (!cells.empty()) cells.pop_back();
  for (auto& c : cells) {
    size_t b = c.find_first_not_of(' '), e = c.find_last_not_of(' ');
    c = b == std::string::npos ? "" : c.substr(b, e - b + 1);
  }
  return cells;
}

size_t Indent(std::string_view line) {
  size_t n = 0;
  while (n < line.size() && line[n] == ' ') ++n;
  return n;
}

bool IsItem(std::string_view line) {
  size_t n = Indent(line);
  return line.substr(n, 2) == "- ";
}

}  // namespace

std::string InlineMarkdownToHtml(std::string_view s) {
  std::string out;
  bool strong = false, em = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\\' && i + 1 < s.size() && std::ispunct(static_cast<unsigned char>(s[i + 1]))) {
      out += HtmlEscape(s.substr(++i, 1));
    } else if (c == '`') {
      size_t end = s.find('`', i + 1);
      if (end == std::string_view::npos) {
        out += '`';
        continue;
      }
      out += "<code>" + HtmlEscape(s.substr(i + 1, end - i - 1)) + "</code>";
      i = end;
    } else if (c == '*' && i + 1 < s.size() && s[i + 1] == '*') {
      out += strong ? "</strong>" : "<strong>";
      strong = !strong;
      ++i;
    } else if (c == '*') {
      out += em ? "</em>" : "<em>";
      em = !em;
    } else {
      out += HtmlEscape(s.substr(i, 1));
    }
  }
  if (em) out += "</em>";
  if (strong) out += "</strong>";
  return out;
}

std::string MarkdownToHtmlPage(std::string_view md, std::string_view title) {
  std::vector<std::string_view> lines;
  for (size_t pos = 0; pos < md.size();) {
    size_t end = md.find('\n', pos);
    if (end == std::string_view::npos) end = md.size();
    lines.push_back(md.substr(pos, end - pos));
    pos = end + 1;
  }
  std::string body;
  std::vector<size_t> open_lists;  // indents of the open <ul>s
  auto close_lists = [&](size_t down_to_indent, bool all) {
    while (!open_lists.empty() && (all || open_lists.back() > down_to_indent)) {
      body += "</li></ul>\n";
      open_lists.pop_back();
    }
  };
  std::string para;
  auto flush_para = [&]() {
    if (!para.empty()) body += "<p>" + InlineMarkdownToHtml(para) + "</p>\n";
    para.clear();
  };
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (line.empty()) {
      flush_para();
      // A list ends at a blank line unless the next line continues it.
      if (i + 1 >= lines.size() || !IsItem(lines[i + 1])) close_lists(0, true);
      continue;
    }
    if (IsItem(line)) {
      flush_para();
      size_t indent = Indent(line);
      close_lists(indent, false);
      if (open_lists.empty() || open_lists.back() < indent) {
        body += "<ul>\n<li>";
        open_lists.push_back(indent);
      } else {
        body += "</li>\n<li>";
      }
      body += InlineMarkdownToHtml(line.substr(indent + 2));
      continue;
    }
    close_lists(0, true);
    if (line[0] == '#') {
      flush_para();
      size_t level = line.find_first_not_of('#');
      std::string_view text = line.substr(level + 1);
      body += fmt::format("<h{0} id=\"{1}\">{2}</h{0}>\n", level, Slug(text), InlineMarkdownToHtml(text));
      continue;
    }
    if (line[0] == '|' && i + 1 < lines.size() && lines[i + 1].substr(0, 4) == "|---") {
      flush_para();
      body += "<table>\n<thead><tr>";
      for (const auto& c : Cells(line)) body += "<th>" + InlineMarkdownToHtml(c) + "</th>";
      body += "</tr></thead>\n<tbody>\n";
      for (i += 2; i < lines.size() && !lines[i].empty() && lines[i][0] == '|'; ++i) {
        body += "<tr>";
        for (const auto& c : Cells(lines[i])) body += "<td>" + InlineMarkdownToHtml(c) + "</td>";
        body += "</tr>\n";
      }
      body += "</tbody></table>\n";
      --i;
      continue;
    }
    para += para.empty() ? std::string(line) : " " + std::string(line);
  }
  flush_para();
  close_lists(0, true);
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n"
      "<style>{}</style>\n</head>\n<body>\n{}</body>\n</html>\n",
      HtmlEscape(title), kStyle, body);
}

}  // namespace norotriage::internal
