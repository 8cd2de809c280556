#include "compile/condition_parser.h"

#include <cctype>
#include <charconv>
#include <cstdlib>

#include <fmt/format.h>

namespace norotriage::internal {
namespace {

enum class Tok { kName, kNumber, kOp, kLParen, kRParen, kLBrace, kRBrace, kComma, kPlus, kEnd };

struct Token {
  Tok kind = Tok::kEnd;
  std::string_view text;
  size_t offset = 0;
  Cmp cmp = Cmp::kEq;
  double number = 0;
};

Result<std::vector<Token>, CondError> Lex(std::string_view s, size_t max_tokens) {
  std::vector<Token> out;
  size_t i = 0;
  while (true) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    if (out.size() > max_tokens) {
      return CondError{i, fmt::format("condition is longer than {} tokens", max_tokens)};
    }
    Token t;
    t.offset = i;
    if (i == s.size()) {
      out.push_back(t);
      return out;
    }
    char c = s[i];
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t j = i;
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_')) ++j;
      t.kind = Tok::kName;
      t.text = s.substr(i, j - i);
      i = j;
    } else if (std::isdigit(static_cast<unsigned char>(c)) ||
               (c == '-' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
      size_t j = i + 1;
      while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.')) ++j;
      t.kind = Tok::kNumber;
      t.text = s.substr(i, j - i);
      auto [p, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), t.number);
      if (ec != std::errc() || p != t.text.data() + t.text.size()) {
        return CondError{i, fmt::format("'{}' is not a number", t.text)};
      }
      i = j;
    } else if (c == '=' || c == '<' || c == '>' || c == '!') {
      bool eq_next = i + 1 < s.size() && s[i + 1] == '=';
      t.kind = Tok::kOp;
      if (c == '=') {
        t.cmp = Cmp::kEq;
        i += eq_next ? 2 : 1;  // accept "==" too
      } else if (c == '!') {
        if (!eq_next) return CondError{i, "expected '!=' (use 'not' for negation)"};
        t.cmp = Cmp::kNe;
        i += 2;
      } else if (c == '<') {
        t.cmp = eq_next ? Cmp::kLe : Cmp::kLt;
        i += eq_next ? 2 : 1;
      } else {
        t.cmp = eq_next ? Cmp::kGe : Cmp::kGt;
        i += eq_next ? 2 : 1;
      }
      t.text = s.substr(t.offset, i - t.offset);
    } else {
      switch (c) {
        case '(': t.kind = Tok::kLParen; break;
        case ')': t.kind = Tok::kRParen; break;
        case '{': t.kind = Tok::kLBrace; break;
        case '}': t.kind = Tok::kRBrace; break;
        case ',': t.kind = Tok::kComma; break;
        case '+': t.kind = Tok::kPlus; break;
        default:
          return CondError{i, fmt::format("unexpected character '{}'", c)};
      }
      t.text = s.substr(i, 1);
      ++i;
    }
    out.push_back(t);
  }
}

bool IsKeyword(std::string_view w) {
  return w == "and" || w == "or" || w == "not" || w == "in" || w == "at_least" ||
         w == "known" || w == "true" || w == "false" || w == "is";
}

// Operator-stack entries.
struct Frame {
  enum class Kind { kAnd, kOr, kNot, kParen, kAtLeast } kind;
  size_t offset = 0;
  int k = 0;     // kAtLeast
  int argc = 0;  // kAtLeast: arguments completed so far
};

int Precedence(Frame::Kind k) {
  switch (k) {
    case Frame::Kind::kOr: return 1;
    case Frame::Kind::kAnd: return 2;
    case Frame::Kind::kNot: return 3;
    default: return 0;
  }
}

class Parser {
 public:
  Parser(std::vector<Token> toks, const CondBudget& budget)
      : toks_(std::move(toks)), budget_(budget) {}

  Result<std::vector<CondItem>, CondError> Run() {
    bool expect_operand = true;
    while (true) {
      const Token& t = toks_[pos_];
      if (expect_operand) {
        if (t.kind == Tok::kName && t.text == "not") {
          ops_.push_back({Frame::Kind::kNot, t.offset});
          ++pos_;
        } else if (t.kind == Tok::kLParen) {
          if (auto s = PushNesting(Frame{Frame::Kind::kParen, t.offset}); !s.message.empty()) return s;
          ++pos_;
        } else if (t.kind == Tok::kName && t.text == "at_least") {
          ++pos_;
          if (!Accept(Tok::kLParen)) return Error("expected '(' after at_least");
          const Token& num = toks_[pos_];
          if (num.kind != Tok::kNumber || num.number < 1 || num.number != static_cast<int>(num.number)) {
            return Error("at_least needs a whole number of at least 1 first, e.g. at_least(2, a, b)");
          }
          ++pos_;
          if (!Accept(Tok::kComma)) return Error("expected ',' after the count in at_least");
          Frame f{Frame::Kind::kAtLeast, t.offset};
          f.k = static_cast<int>(num.number);
          if (auto s = PushNesting(f); !s.message.empty()) return s;
        } else if (t.kind == Tok::kName) {
          if (auto s = ParseAtom(); !s.message.empty()) return s;
          expect_operand = false;
        } else {
          return Error(t.kind == Tok::kEnd ? "condition ends where a finding was expected"
                                           : fmt::format("expected a finding, found '{}'", t.text));
        }
        continue;
      }
      // Expecting an operator or a closer.
      if (t.kind == Tok::kName && t.text == "is") {
        // "X is not true": postfix on the operand just completed, so it
        // binds tighter than any operator still on the stack.
        ++pos_;
        if (toks_[pos_].kind != Tok::kName || toks_[pos_].text != "not") return Error("expected 'not true' after 'is'");
        ++pos_;
        if (toks_[pos_].kind != Tok::kName || toks_[pos_].text != "true") return Error("expected 'true' after 'is not'");
        ++pos_;
        CondItem item;
        item.kind = CondItem::Kind::kIsNotTrue;
        item.offset = t.offset;
        out_.push_back(std::move(item));
      } else if (t.kind == Tok::kName && (t.text == "and" || t.text == "or")) {
        Frame::Kind k = t.text == "and" ? Frame::Kind::kAnd : Frame::Kind::kOr;
        while (!ops_.empty() && Precedence(ops_.back().kind) >= Precedence(k)) PopOperator();
        ops_.push_back({k, t.offset});
        ++pos_;
        expect_operand = true;
      } else if (t.kind == Tok::kComma) {
        while (!ops_.empty() && Precedence(ops_.back().kind) > 0) PopOperator();
        if (ops_.empty() || ops_.back().kind != Frame::Kind::kAtLeast) {
          return Error("',' outside at_least(...)");
        }
        ++ops_.back().argc;
        ++pos_;
        expect_operand = true;
      } else if (t.kind == Tok::kRParen) {
        while (!ops_.empty() && Precedence(ops_.back().kind) > 0) PopOperator();
        if (ops_.empty()) return Error("')' without a matching '('");
        Frame f = ops_.back();
        ops_.pop_back();
        --nesting_;
        if (f.kind == Frame::Kind::kAtLeast) {
          int argc = f.argc + 1;
          if (f.k > argc) {
            return CondError{f.offset, fmt::format("at_least({}, ...) has only {} conditions", f.k, argc)};
          }
          CondItem item;
          item.kind = CondItem::Kind::kAtLeast;
          item.k = f.k;
          item.n = argc;
          item.offset = f.offset;
          out_.push_back(std::move(item));
        }
        ++pos_;
      } else if (t.kind == Tok::kEnd) {
        while (!ops_.empty()) {
          if (Precedence(ops_.back().kind) == 0) {
            return CondError{ops_.back().offset, "'(' is never closed"};
          }
          PopOperator();
        }
        return std::move(out_);
      } else {
        return Error(fmt::format("expected 'and', 'or', 'is not true' or the end, found '{}'", t.text));
      }
    }
  }

 private:
  CondError Error(std::string msg) const { return CondError{toks_[pos_].offset, std::move(msg)}; }

  bool Accept(Tok kind) {
    if (toks_[pos_].kind != kind) return false;
    ++pos_;
    return true;
  }

  CondError PushNesting(Frame f) {
    if (++nesting_ > budget_.max_nesting) {
      return CondError{f.offset, fmt::format("condition is nested deeper than {} levels",
                                             budget_.max_nesting)};
    }
    ops_.push_back(f);
    return {};
  }

  void PopOperator() {
    Frame f = ops_.back();
    ops_.pop_back();
    CondItem item;
    item.offset = f.offset;
    if (f.kind == Frame::Kind::kNot) {
      item.kind = CondItem::Kind::kNot;
    } else {
      item.kind = f.kind == Frame::Kind::kAnd ? CondItem::Kind::kAnd : CondItem::Kind::kOr;
      item.n = 2;
    }
    out_.push_back(std::move(item));
  }

  // An atom: known(NAME) | NAME | term OP value | NAME in {…}. Returns an
  // error with an empty message on success.
  CondError ParseAtom() {
    const Token& first = toks_[pos_];
    CondItem item;
    item.offset = first.offset;
    if (first.text == "known") {
      ++pos_;
      if (!Accept(Tok::kLParen)) return Error("expected '(' after known");
      if (toks_[pos_].kind != Tok::kName || IsKeyword(toks_[pos_].text)) {
        return Error("known(...) takes one finding id");
      }
      item.kind = CondItem::Kind::kKnown;
      item.names.emplace_back(toks_[pos_].text);
      ++pos_;
      if (!Accept(Tok::kRParen)) return Error("expected ')' after the finding in known(...)");
      out_.push_back(std::move(item));
      return {};
    }
    if (IsKeyword(first.text)) return Error(fmt::format("'{}' cannot stand here", first.text));
    item.names.emplace_back(first.text);
    ++pos_;
    while (toks_[pos_].kind == Tok::kPlus) {
      ++pos_;
      if (toks_[pos_].kind != Tok::kName || IsKeyword(toks_[pos_].text)) {
        return Error("expected a finding after '+'");
      }
      item.names.emplace_back(toks_[pos_].text);
      ++pos_;
    }
    const Token& t = toks_[pos_];
    if (t.kind == Tok::kOp) {
      item.kind = CondItem::Kind::kCompare;
      item.cmp = t.cmp;
      ++pos_;
      const Token& v = toks_[pos_];
      if (v.kind == Tok::kNumber) {
        item.value_kind = CondItem::ValueKind::kNumber;
        item.number = v.number;
      } else if (v.kind == Tok::kName && v.text == "true") {
        item.value_kind = CondItem::ValueKind::kTrue;
      } else if (v.kind == Tok::kName && v.text == "false") {
        item.value_kind = CondItem::ValueKind::kFalse;
      } else if (v.kind == Tok::kName && !IsKeyword(v.text)) {
        item.value_kind = CondItem::ValueKind::kName;
        item.value_name = std::string(v.text);
      } else {
        return Error("expected a number, a choice, true or false after the comparison");
      }
      ++pos_;
    } else if (t.kind == Tok::kName && t.text == "in") {
      ++pos_;
      if (!Accept(Tok::kLBrace)) return Error("expected '{' after in");
      while (true) {
        const Token& c = toks_[pos_];
        if (c.kind != Tok::kName || IsKeyword(c.text)) return Error("expected a choice in the set");
        item.set.emplace_back(c.text);
        ++pos_;
        if (Accept(Tok::kComma)) continue;
        if (Accept(Tok::kRBrace)) break;
        return Error("expected ',' or '}' in the set");
      }
      item.kind = CondItem::Kind::kIn;
    } else {
      item.kind = CondItem::Kind::kName;
    }
    if (item.names.size() > 1 && item.kind != CondItem::Kind::kCompare) {
      return CondError{first.offset, "a sum must be compared with a number, e.g. a + b >= 4"};
    }
    out_.push_back(std::move(item));
    return {};
  }

  std::vector<Token> toks_;
  const CondBudget& budget_;
  size_t pos_ = 0;
  size_t nesting_ = 0;
  std::vector<Frame> ops_;
  std::vector<CondItem> out_;
};

}  // namespace

Result<std::vector<CondItem>, CondError> ParseCondition(std::string_view text,
                                                        const CondBudget& budget) {
  auto toks = Lex(text, budget.max_tokens);
  if (!toks.ok()) return toks.error();
  Parser p(std::move(toks).value(), budget);
  return p.Run();
}

}  // namespace norotriage::internal
