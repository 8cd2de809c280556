#include "kb/condition_words.h"

#include <algorithm>
#include <cctype>
#include <memory>

#include <fmt/format.h>

namespace norotriage::internal {
namespace {

constexpr int kMaxDepth = 64;  // the loader allows 32 levels of nesting

struct Token {
  enum Kind { kName, kNumber, kOp, kLParen, kRParen, kLBrace, kRBrace, kComma, kPlus, kEnd } kind = kEnd;
  std::string text;
};

Result<std::vector<Token>> Tokenize(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (true) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    if (i == s.size()) break;
    char c = s[i];
    size_t j = i + 1;
    Token t;
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_')) ++j;
      t.kind = Token::kName;
    } else if (std::isdigit(static_cast<unsigned char>(c)) ||
               (c == '-' && j < s.size() && std::isdigit(static_cast<unsigned char>(s[j])))) {
      while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.')) ++j;
      t.kind = Token::kNumber;
    } else if (c == '=' || c == '<' || c == '>' || c == '!') {
      if (j < s.size() && s[j] == '=') ++j;
      if (c == '!' && j == i + 1) return Status::InvalidArgument("expected '!='");
      t.kind = Token::kOp;
    } else {
      switch (c) {
        case '(': t.kind = Token::kLParen; break;
        case ')': t.kind = Token::kRParen; break;
        case '{': t.kind = Token::kLBrace; break;
        case '}': t.kind = Token::kRBrace; break;
        case ',': t.kind = Token::kComma; break;
        case '+': t.kind = Token::kPlus; break;
        default: return Status::InvalidArgument(fmt::format("unexpected character '{}'", c));
      }
    }
    t.text = std::string(s.substr(i, j - i));
    if (t.text == "==") t.text = "=";
    out.push_back(std::move(t));
    i = j;
  }
  out.push_back(Token{});
  return out;
}

struct Node {
  enum Kind { kName, kKnown, kCompare, kIn, kAnd, kOr, kNot, kNotTrue, kAtLeast } kind = kName;
  std::vector<std::string> names;  // kName/kKnown: one; kCompare: summed terms; kIn: one
  std::string op, value;           // kCompare: operator and value as written
  std::vector<std::string> set;    // kIn
  int k = 0;                       // kAtLeast
  std::vector<std::unique_ptr<Node>> kids;
};
using NodePtr = std::unique_ptr<Node>;

class Parser {
 public:
  explicit Parser(std::vector<Token> toks) : t_(std::move(toks)) {}

  Result<NodePtr> Parse() {
    auto n = Or(0);
    if (!n.ok()) return n;
    if (Peek().kind != Token::kEnd) return Error("unexpected '" + Peek().text + "'");
    return n;
  }

 private:
  const Token& Peek(size_t ahead = 0) const { return t_[std::min(pos_ + ahead, t_.size() - 1)]; }
  bool IsWord(std::string_view w, size_t ahead = 0) const {
    return Peek(ahead).kind == Token::kName && Peek(ahead).text == w;
  }
  static Status Error(std::string msg) { return Status::InvalidArgument(std::move(msg)); }
  Status Expect(Token::Kind k, std::string_view what) {
    if (Peek().kind != k) return Error(fmt::format("expected {}", what));
    ++pos_;
    return Status::Ok();
  }
  Result<std::string> Name() {
    if (Peek().kind != Token::kName) return Error("expected a name");
    return t_[pos_++].text;
  }

  // `op` := sub (word sub)*, flattened into one n-ary node.
  template <class Sub>
  Result<NodePtr> Chain(int depth, std::string_view word, Node::Kind kind, Sub sub) {
    auto first = sub(depth);
    if (!first.ok() || !IsWord(word)) return first;
    auto n = std::make_unique<Node>();
    n->kind = kind;
    n->kids.push_back(std::move(first).value());
    while (IsWord(word)) {
      ++pos_;
      auto next = sub(depth);
      if (!next.ok()) return next;
      n->kids.push_back(std::move(next).value());
    }
    return NodePtr(std::move(n));
  }
  Result<NodePtr> Or(int depth) {
    if (depth > kMaxDepth) return Error("condition nested too deeply");
    return Chain(depth, "or", Node::kOr, [this](int d) { return And(d); });
  }
  Result<NodePtr> And(int depth) {
    return Chain(depth, "and", Node::kAnd, [this](int d) { return Not(d); });
  }
  Result<NodePtr> Not(int depth) {
    if (depth > kMaxDepth) return Error("condition nested too deeply");
    if (IsWord("not")) {
      ++pos_;
      auto kid = Not(depth + 1);
      if (!kid.ok()) return kid;
      auto n = std::make_unique<Node>();
      n->kind = Node::kNot;
      n->kids.push_back(std::move(kid).value());
      return NodePtr(std::move(n));
    }
    auto p = Primary(depth);
    if (!p.ok() || !(IsWord("is") && IsWord("not", 1) && IsWord("true", 2))) return p;
    pos_ += 3;
    auto n = std::make_unique<Node>();
    n->kind = Node::kNotTrue;
    n->kids.push_back(std::move(p).value());
    return NodePtr(std::move(n));
  }
  Result<NodePtr> Primary(int depth) {
    auto n = std::make_unique<Node>();
    if (Peek().kind == Token::kLParen) {
      ++pos_;
      auto inner = Or(depth + 1);
      if (!inner.ok()) return inner;
      if (Status s = Expect(Token::kRParen, "')'"); !s.ok()) return s;
      return inner;
    }
    if (IsWord("at_least") && Peek(1).kind == Token::kLParen) {
      pos_ += 2;
      if (Peek().kind != Token::kNumber) return Error("expected a count after at_least(");
      n->kind = Node::kAtLeast;
      n->k = std::atoi(t_[pos_++].text.c_str());
      while (Peek().kind == Token::kComma) {
        ++pos_;
        auto kid = Or(depth + 1);
        if (!kid.ok()) return kid;
        n->kids.push_back(std::move(kid).value());
      }
      if (n->kids.empty()) return Error("at_least needs operands");
      if (Status s = Expect(Token::kRParen, "')'"); !s.ok()) return s;
      return NodePtr(std::move(n));
    }
    if (IsWord("known") && Peek(1).kind == Token::kLParen) {
      pos_ += 2;
      auto name = Name();
      if (!name.ok()) return name.status();
      n->kind = Node::kKnown;
      n->names.push_back(std::move(name).value());
      if (Status s = Expect(Token::kRParen, "')'"); !s.ok()) return s;
      return NodePtr(std::move(n));
    }
    auto name = Name();
    if (!name.ok()) return name.status();
    n->names.push_back(std::move(name).value());
    while (Peek().kind == Token::kPlus) {
      ++pos_;
      auto more = Name();
      if (!more.ok()) return more.status();
      n->names.push_back(std::move(more).value());
    }
    if (Peek().kind == Token::kOp) {
      n->kind = Node::kCompare;
      n->op = t_[pos_++].text;
      if (Peek().kind != Token::kName && Peek().kind != Token::kNumber) return Error("expected a value");
      n->value = t_[pos_++].text;
    } else if (IsWord("in")) {
      ++pos_;
      n->kind = Node::kIn;
      if (Status s = Expect(Token::kLBrace, "'{'"); !s.ok()) return s;
      while (true) {
        auto v = Name();
        if (!v.ok()) return v.status();
        n->set.push_back(std::move(v).value());
        if (Peek().kind != Token::kComma) break;
        ++pos_;
      }
      if (Status s = Expect(Token::kRBrace, "'}'"); !s.ok()) return s;
    } else if (n->names.size() > 1) {
      return Error("a sum needs a comparison");
    }
    return NodePtr(std::move(n));
  }

  std::vector<Token> t_;
  size_t pos_ = 0;
};

Result<NodePtr> ParseText(std::string_view text) {
  auto toks = Tokenize(text);
  if (!toks.ok()) return toks.status();
  return Parser(std::move(toks).value()).Parse();
}

std::string Quote(std::string_view s) { return fmt::format("“{}”", MarkdownEscape(s)); }

class Renderer {
 public:
  explicit Renderer(const WordsVocabulary& vocab) : vocab_(vocab) {}

  // One line.
  std::string Inline(const Node& n) const {
    switch (n.kind) {
      case Node::kName: return Name(n.names[0]);
      case Node::kKnown: return Name(n.names[0]) + " is answered";
      case Node::kCompare: return Compare(n);
      case Node::kIn: {
        std::string out = Name(n.names[0]) + " is ";
        for (size_t i = 0; i < n.set.size(); ++i) {
          if (i) out += i + 1 == n.set.size() ? " or " : ", ";
          out += Choice(n.names[0], n.set[i]);
        }
        return out;
      }
      case Node::kAnd:
      case Node::kOr: {
        std::string out;
        for (size_t i = 0; i < n.kids.size(); ++i) {
          if (i) out += n.kind == Node::kAnd ? " and " : " or ";
          out += Child(*n.kids[i]);
        }
        return out;
      }
      case Node::kAtLeast: {
        std::string out = fmt::format("at least {} of (", n.k);
        for (size_t i = 0; i < n.kids.size(); ++i) out += (i ? "; " : "") + Inline(*n.kids[i]);
        return out + ")";
      }
      case Node::kNot: return "not " + Child(*n.kids[0]);
      case Node::kNotTrue: return Child(*n.kids[0]) + " is not true (no, or not asked)";
    }
    return {};
  }

  // A lead line and a list, or one line when it fits. `indent`: of the list.
  std::string Block(const Node& n, size_t indent) const {
    std::string line = Inline(n);
    if (line.size() <= kInlineWidth) return line;
    const Node* list = &n;
    std::string lead;
    switch (n.kind) {
      case Node::kAnd: lead = "all of:"; break;
      case Node::kOr: lead = "any of:"; break;
      case Node::kAtLeast: lead = fmt::format("at least {} of:", n.k); break;
      case Node::kNot:
      case Node::kNotTrue: {
        const Node& kid = *n.kids[0];
        bool neg = n.kind == Node::kNot;
        if (kid.kind == Node::kOr) lead = neg ? "none of:" : "none of these is true (each no, or not asked):";
        if (kid.kind == Node::kAnd) lead = neg ? "not all of:" : "not all of these are true (no, or not asked):";
        if (lead.empty()) return line;
        list = &kid;
        break;
      }
      default: return line;
    }
    std::string out = lead + "\n";
    std::string pad(indent, ' ');
    for (const auto& kid : list->kids) {
      std::string item = Block(*kid, indent + 2);
      out += pad + "- " + item + "\n";
    }
    out.pop_back();
    return out;
  }

 private:
  // An operand of an operator: compound operands in parentheses.
  std::string Child(const Node& n) const {
    bool compound = n.kind == Node::kAnd || n.kind == Node::kOr;
    return compound ? "(" + Inline(n) + ")" : Inline(n);
  }
  const WordsTerm* Find(std::string_view name) const {
    auto it = vocab_.find(name);
    return it == vocab_.end() ? nullptr : &it->second;
  }
  std::string Name(const std::string& name) const {
    const WordsTerm* t = Find(name);
    if (!t) return fmt::format("`{}`", name);
    if (t->kind == WordsTerm::Kind::kDefinition) {
      std::string words = name;
      for (char& c : words) c = c == '_' ? ' ' : c;
      return fmt::format("*{}*", words);
    }
    return Quote(t->label.empty() ? name : t->label);
  }
  std::string Choice(const std::string& name, const std::string& value) const {
    const WordsTerm* t = Find(name);
    if (t) {
      auto it = t->choice_labels.find(value);
      if (it != t->choice_labels.end()) return Quote(it->second);
    }
    return Quote(value);
  }
  std::string Compare(const Node& n) const {
    std::string lhs;
    for (size_t i = 0; i < n.names.size(); ++i) lhs += (i ? " plus " : "") + Name(n.names[i]);
    const WordsTerm* t = n.names.size() == 1 ? Find(n.names[0]) : nullptr;
    bool is_bool = (t && t->is_bool) || n.value == "true" || n.value == "false";
    if (is_bool && (n.value == "true" || n.value == "false") && (n.op == "=" || n.op == "!=")) {
      bool yes = (n.value == "true") == (n.op == "=");
      return yes ? lhs : lhs + " is no";
    }
    bool number = !n.value.empty() && (std::isdigit(static_cast<unsigned char>(n.value[0])) || n.value[0] == '-');
    std::string value = number ? n.value : Choice(n.names[0], n.value);
    std::string_view words = n.op == "=" ? "is" : n.op == "!=" ? "is not" : n.op == "<" ? "is under"
                           : n.op == "<=" ? "is at most" : n.op == ">" ? "is over" : "is at least";
    return fmt::format("{} {} {}", lhs, words, value);
  }

  const WordsVocabulary& vocab_;
};

void CollectNames(const Node& n, std::vector<std::string>* out) {
  if (n.kind == Node::kName || n.kind == Node::kKnown || n.kind == Node::kCompare || n.kind == Node::kIn) {
    for (const auto& name : n.names) {
      if (std::find(out->begin(), out->end(), name) == out->end()) out->push_back(name);
    }
  }
  for (const auto& kid : n.kids) CollectNames(*kid, out);
}

}  // namespace

Result<std::string> ConditionInWords(std::string_view text, const WordsVocabulary& vocab) {
  auto tree = ParseText(text);
  if (!tree.ok()) return tree.status();
  return Renderer(vocab).Block(*tree.value(), 0);
}

Result<std::vector<std::string>> ConditionNames(std::string_view text) {
  auto tree = ParseText(text);
  if (!tree.ok()) return tree.status();
  std::vector<std::string> names;
  CollectNames(*tree.value(), &names);
  return names;
}

std::string MarkdownEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\\' || c == '`' || c == '*' || c == '_' || c == '[' || c == ']' || c == '<' || c == '>' ||
        c == '|' || c == '#') {
      out += '\\';
    }
    out += c;
  }
  return out;
}

}  // namespace norotriage::internal
